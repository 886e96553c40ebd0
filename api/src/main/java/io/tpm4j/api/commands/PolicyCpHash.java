package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;

/** TPM2_PolicyCpHash (Part 3, section 23.13): the session may authorise only the command with this cpHash. */
public record PolicyCpHash(int policySession, byte[] cpHashA) implements NoResponseCommand {

    public PolicyCpHash {
        cpHashA = cpHashA.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_CP_HASH).handle(policySession).parameters(sized(cpHashA));
    }
}
