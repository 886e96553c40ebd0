package io.tpm4j.attest.quote;

import io.tpm4j.api.types.Attest;

import java.util.List;

/**
 * The verdict on one attestation: every check that failed (not only the first) and what changed on the TPM since a
 * previous attestation, with the attestation as read (its clock to keep for the next comparison).
 *
 * @param attest   the TPMS_ATTEST, its body read as the type the verifier asked for; trust its fields only when
 *                 {@link #ok()}
 * @param failures the checks that did not pass, in the order they were made; empty when all passed
 * @param findings changes since the previous attestation, for the caller's policy; never failures by themselves
 */
public record Verification(Attest attest, List<Failure> failures, List<ClockFinding> findings) {

    public Verification {
        failures = List.copyOf(failures);
        findings = List.copyOf(findings);
    }

    /** Whether every check passed. */
    public boolean ok() {
        return failures.isEmpty();
    }

    /** Whether {@code check} is among the failures. */
    public boolean failed(Check check) {
        return failures.stream().anyMatch(f -> f.check() == check);
    }

    /** The clock of this attestation, to pass as the previous one next time. */
    public ClockInfo clock() {
        return ClockInfo.of(attest);
    }

    @Override
    public String toString() {
        return (ok() ? "verified" : "failed: " + failures) + (findings.isEmpty() ? "" : "; findings: " + findings);
    }
}
