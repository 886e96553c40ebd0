package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.u8;

/** TPM2_PolicyLocality (Part 3, section 23.8): the command must come from one of these localities (TPMA_LOCALITY). */
public record PolicyLocality(int policySession, int locality) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_LOCALITY).handle(policySession).parameters(u8(locality));
    }
}
