package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

/** TPM2_PolicyRestart (Part 3, section 11.2): resets a policy session's digest and state. */
public record PolicyRestart(int policySession) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_RESTART).handle(policySession);
    }
}
