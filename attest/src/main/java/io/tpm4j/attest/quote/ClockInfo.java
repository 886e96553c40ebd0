package io.tpm4j.attest.quote;

import io.tpm4j.api.types.Attest;

/**
 * TPMS_CLOCK_INFO of an attestation: what a verifier keeps from one quote to compare the next one with.
 *
 * @param clock        milliseconds the TPM has been powered, kept across power cycles (non-volatile)
 * @param resetCount   TPM Resets (reboots) since the last TPM2_Clear
 * @param restartCount TPM Restarts and Resumes (hibernation, suspend) since the last TPM Reset
 * @param safe         whether the clock value was saved to NV (no earlier clock value can be reported again)
 */
public record ClockInfo(long clock, int resetCount, int restartCount, boolean safe) {

    public static ClockInfo of(Attest attest) {
        return new ClockInfo(attest.clock(), attest.resetCount(), attest.restartCount(), attest.safe());
    }
}
