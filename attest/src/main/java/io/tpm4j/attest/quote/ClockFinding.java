package io.tpm4j.attest.quote;

/**
 * What changed on the TPM since a previous attestation. None of these is a failure by itself (a machine reboots,
 * suspends, its owner clears its TPM): the verifier's policy decides.
 *
 * @param kind   what changed
 * @param detail the values before and after
 */
public record ClockFinding(Kind kind, String detail) {

    public enum Kind {
        /** The clock is lower than before: a clock value lost with the power before it was saved to NV, or another TPM. */
        CLOCK_WENT_BACK,
        /** resetCount went up: the machine rebooted (TPM Reset) in between. */
        REBOOTED,
        /** resetCount went down: the TPM was cleared (TPM2_Clear), or it is another TPM. */
        RESET_COUNT_WENT_BACK,
        /** restartCount changed without a reset: the machine resumed from suspend or hibernation. */
        RESTARTED,
        /** The TPM says the clock may have reported a value before that it might report again. */
        CLOCK_NOT_SAFE
    }

    @Override
    public String toString() {
        return kind + ": " + detail;
    }
}
