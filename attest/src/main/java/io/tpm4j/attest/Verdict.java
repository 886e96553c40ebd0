package io.tpm4j.attest;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.attest.ek.TpmIdentity;
import io.tpm4j.attest.quote.ClockFinding;
import io.tpm4j.attest.quote.ClockInfo;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Verifier} concluded about an attestation: {@link Trusted} when every check passed, {@link Rejected}
 * with every reason otherwise (all of them, not the first: a verifier's operator wants to see all that is wrong).
 */
public sealed interface Verdict {

    /** The step of the attestation a check belongs to. */
    enum Step {
        /** The challenge itself: answered twice, or after it expired. */
        CHALLENGE,
        /** The EK: its certificate (chain, profile, key) or its registration with the verifier. */
        EK,
        /** The AK: a restricted signing key fixed to its TPM, from an AK template. */
        AK,
        /** Credential activation: the attester returned the secret only the EK's TPM could recover for the AK. */
        CREDENTIAL,
        /** The quote: signature, magic, type, nonce, selection and digest of the PCR values, the PCRs required. */
        QUOTE,
        /** The measurement logs: they parse and replay to the quoted PCR values. */
        EVENT_LOG,
        /** The reference (golden) PCR values the verifier was given. */
        REFERENCE
    }

    /**
     * One reason for a rejection.
     *
     * @param step     the step whose check failed
     * @param detail   what was wrong, in words
     * @param mismatch for a PCR a log does not replay to: the PCR, both values and the log's events that went into it
     */
    record Reason(Step step, String detail, Optional<PcrMismatch<?>> mismatch) {

        public Reason {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(mismatch, "mismatch");
        }

        public Reason(Step step, String detail) {
            this(step, detail, Optional.empty());
        }

        @Override
        public String toString() {
            return step + ": " + detail;
        }
    }

    /** Every check passed. */
    boolean trusted();

    /**
     * Every check passed: a TPM holding this EK (certified, or registered with the verifier) holds this AK, and the
     * AK quoted these PCR values after the challenge was made; the measurement logs replay to them.
     *
     * @param ek       the EK
     * @param ak       the AK
     * @param tpm      the TPM the EK certificate names; empty when the EK was trusted by registration
     * @param pcrs     the PCR values the quote proved
     * @param clock    the quote's clock, to compare the next attestation of this TPM with
     * @param findings what changed since the previous attestation given (reboots, resumes...), for the caller's
     *                 policy
     */
    record Trusted(PublicArea ek, PublicArea ak, Optional<TpmIdentity> tpm, PcrValues pcrs, ClockInfo clock,
                   List<ClockFinding> findings) implements Verdict {

        public Trusted {
            findings = List.copyOf(findings);
        }

        @Override
        public boolean trusted() {
            return true;
        }
    }

    /** At least one check failed; {@code reasons} holds each, in the order checked. */
    record Rejected(List<Reason> reasons) implements Verdict {

        public Rejected {
            if (reasons.isEmpty()) {
                throw new IllegalArgumentException("a rejection needs a reason");
            }
            reasons = List.copyOf(reasons);
        }

        @Override
        public boolean trusted() {
            return false;
        }

        /** The steps that failed, each once, in the order checked. */
        public List<Step> steps() {
            return reasons.stream().map(Reason::step).distinct().toList();
        }

        /** Whether a check of {@code step} failed. */
        public boolean failed(Step step) {
            return reasons.stream().anyMatch(r -> r.step() == step);
        }
    }
}
