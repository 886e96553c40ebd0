package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;

/** TPM2_PolicyTemplate (Part 3, section 23.21): the session may create only objects whose template hashes to this. */
public record PolicyTemplate(int policySession, byte[] templateHash) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_TEMPLATE).handle(policySession).parameters(sized(templateHash));
    }
}
