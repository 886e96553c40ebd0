package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

/** TPM2_PolicyPhysicalPresence (Part 3, section 23.12): physical presence must be asserted. */
public record PolicyPhysicalPresence(int policySession) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_PHYSICAL_PRESENCE).handle(policySession);
    }
}
