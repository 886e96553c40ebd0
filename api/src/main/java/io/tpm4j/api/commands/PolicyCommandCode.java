package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.u32;

/** TPM2_PolicyCommandCode (Part 3, section 23.11): the session may authorise only this command. */
public record PolicyCommandCode(int policySession, int commandCode) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_COMMAND_CODE).handle(policySession).parameters(u32(commandCode));
    }
}
