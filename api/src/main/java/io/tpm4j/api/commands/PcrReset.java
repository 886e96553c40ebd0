package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

/** TPM2_PCR_Reset (Part 3, section 22.8): sets a resettable PCR (16 and 23 at locality 0 on PC-client TPMs) to its reset value. */
public record PcrReset(int pcr, Authorization pcrAuth) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.PCR_RESET).authorized(pcr, pcrAuth);
    }
}
