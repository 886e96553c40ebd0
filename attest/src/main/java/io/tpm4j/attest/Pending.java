package io.tpm4j.attest;

import io.tpm4j.attest.Verdict.Reason;
import io.tpm4j.attest.Verdict.Step;
import io.tpm4j.attest.ek.TpmIdentity;
import io.tpm4j.attest.quote.ClockInfo;

import java.security.MessageDigest;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A challenge the verifier made for one enrollment ({@link Verifier#start}), waiting for its evidence. Single-use:
 * the first {@link #finish} consumes it (its secret is wiped), a second gets a rejection; and it expires. Thread-safe.
 */
public final class Pending {

    /** What the evidence is checked against: what the verifier made and was given. */
    record Expected(Enrollment enrollment, Optional<TpmIdentity> identity, byte[] nonce, byte[] secret,
                    Optional<PcrValues> reference, SortedSet<Integer> required) {
    }

    private final Expected expected;
    private final List<Reason> enrollmentReasons;
    private final Optional<Challenge> challenge;
    private final InstantSource time;
    private final Instant expiresAt;
    private final AtomicBoolean answered = new AtomicBoolean();

    Pending(Expected expected, List<Reason> enrollmentReasons, Optional<Challenge> challenge, InstantSource time,
            Instant expiresAt) {
        this.expected = expected;
        this.enrollmentReasons = List.copyOf(enrollmentReasons);
        this.challenge = challenge;
        this.time = time;
        this.expiresAt = expiresAt;
    }

    /**
     * What goes to the attester.
     *
     * @throws IllegalStateException when no credential could be made for the enrolled EK and AK: then
     *                               {@link #rejection()} says why
     */
    public Challenge challenge() {
        return challenge.orElseThrow(() -> new IllegalStateException("no challenge: " + enrollmentReasons));
    }

    /**
     * The rejection already certain from the enrollment (an EK or AK the verifier does not accept), for a verifier
     * that stops there; empty when the enrollment passed. {@link #finish} reports these reasons too.
     */
    public Optional<Verdict.Rejected> rejection() {
        return enrollmentReasons.isEmpty() ? Optional.empty() : Optional.of(new Verdict.Rejected(enrollmentReasons));
    }

    /** When the challenge stops being accepted. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** The verdict on the attester's answer. */
    public Verdict finish(Evidence evidence) {
        return finish(evidence, Optional.empty());
    }

    /**
     * The verdict on the attester's answer, with the quote's clock compared with {@code previous}, an earlier
     * trusted verdict's clock of the same TPM ({@link Verdict.Trusted#findings()} then say what changed).
     */
    public Verdict finish(Evidence evidence, ClockInfo previous) {
        return finish(evidence, Optional.of(previous));
    }

    private Verdict finish(Evidence evidence, Optional<ClockInfo> previous) {
        if (!answered.compareAndSet(false, true)) {
            return new Verdict.Rejected(List.of(new Reason(Step.CHALLENGE, "this challenge was answered before: a"
                    + " challenge is single-use, so a replayed or repeated answer proves nothing")));
        }
        List<Reason> reasons = new ArrayList<>();
        Instant now = time.instant();
        if (now.isAfter(expiresAt)) {
            reasons.add(new Reason(Step.CHALLENGE, "answered at " + now + ", after the challenge expired at "
                    + expiresAt));
        }
        reasons.addAll(enrollmentReasons);
        if (challenge.isEmpty()) {
            return new Verdict.Rejected(reasons);
        }
        byte[] secret = expected.secret();
        if (!MessageDigest.isEqual(secret, evidence.activatedSecret())) {
            reasons.add(new Reason(Step.CREDENTIAL, "the activated secret is not the one the credential carried: the"
                    + " AK is not in the TPM that holds the EK, or the answer belongs to another challenge"));
        }
        Arrays.fill(secret, (byte) 0);
        EvidenceChecks.Outcome outcome = EvidenceChecks.check(expected, evidence, previous);
        reasons.addAll(outcome.reasons());
        if (!reasons.isEmpty()) {
            return new Verdict.Rejected(reasons);
        }
        Enrollment enrollment = expected.enrollment();
        return new Verdict.Trusted(enrollment.ek(), enrollment.ak(), expected.identity(), evidence.pcrs(),
                outcome.quote().orElseThrow().clock(), outcome.quote().orElseThrow().findings());
    }
}
