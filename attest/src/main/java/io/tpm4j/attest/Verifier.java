package io.tpm4j.attest;

import io.tpm4j.api.commands.MakeCredential;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.attest.Verdict.Reason;
import io.tpm4j.attest.Verdict.Step;
import io.tpm4j.attest.credential.AkTemplate;
import io.tpm4j.attest.credential.CredentialException;
import io.tpm4j.attest.credential.Credentials;
import io.tpm4j.attest.ek.EkTrust;
import io.tpm4j.attest.ek.EkValidator;
import io.tpm4j.attest.ek.EkVerdict;
import io.tpm4j.attest.ek.TpmIdentity;
import io.tpm4j.attest.quote.AttestationFormatException;
import io.tpm4j.attest.quote.AttestationKey;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The verifier's side of an attestation; it needs no TPM. For each {@link Enrollment} it checks the EK and the AK and
 * makes a {@link Challenge} ({@link #start}); the attester's {@link Evidence} then gets a {@link Verdict} from
 * {@link Pending#finish}. A verifier trusts an EK either by its certificate ({@link #trustingEkCertificates}) or
 * because the EK was registered with it before ({@link #knowingEks}, for TPMs without EK certificates). Immutable and
 * thread-safe; each {@code with...} returns a changed copy.
 */
public final class Verifier {

    /** How long a challenge may wait for its evidence, unless {@link #challengeTimeout} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    /** The PCRs a quote must cover unless {@link #requiringPcrs} says otherwise: the firmware's, 0 to 7. */
    public static final Set<Integer> FIRMWARE_PCRS = Set.of(0, 1, 2, 3, 4, 5, 6, 7);
    private static final int NONCE_BYTES = 32;
    private static final int SECRET_BYTES = 32;

    private final Optional<EkTrust> certificateTrust;
    private final List<PublicArea> knownEks;
    private final Optional<PcrValues> reference;
    private final SortedSet<Integer> required;
    private final Duration timeout;
    private final InstantSource time;
    private final SecureRandom random = new SecureRandom();

    private Verifier(Optional<EkTrust> certificateTrust, List<PublicArea> knownEks, Optional<PcrValues> reference,
                     Set<Integer> required, Duration timeout, InstantSource time) {
        this.certificateTrust = certificateTrust;
        this.knownEks = knownEks;
        this.reference = reference;
        this.required = new TreeSet<>(required);
        this.timeout = timeout;
        this.time = time;
    }

    /** Trusts an EK whose certificate {@link EkValidator} finds valid for it with {@code trust}. */
    public static Verifier trustingEkCertificates(EkTrust trust) {
        return new Verifier(Optional.of(Objects.requireNonNull(trust, "trust")), List.of(), Optional.empty(),
                FIRMWARE_PCRS, DEFAULT_TIMEOUT, InstantSource.system());
    }

    /**
     * Trusts only the EKs given (a fleet's, registered when each machine was installed): an enrollment's EK must be
     * one of them, whatever certificate it comes with. For TPMs without EK certificates.
     */
    public static Verifier knowingEks(Collection<PublicArea> eks) {
        if (eks.isEmpty()) {
            throw new IllegalArgumentException("no EKs known: give at least one");
        }
        return new Verifier(Optional.empty(), List.copyOf(eks), Optional.empty(), FIRMWARE_PCRS, DEFAULT_TIMEOUT,
                InstantSource.system());
    }

    /** With reference (golden) values: each PCR given must be quoted, and hold exactly that value. */
    public Verifier withReferenceValues(PcrValues values) {
        return new Verifier(certificateTrust, knownEks, Optional.of(values), required, timeout, time);
    }

    /** The PCRs a quote must cover, in at least one bank (default {@link #FIRMWARE_PCRS}; may be empty). */
    public Verifier requiringPcrs(Set<Integer> indexes) {
        return new Verifier(certificateTrust, knownEks, reference, indexes, timeout, time);
    }

    /** How long a challenge stays valid after {@link #start}. */
    public Verifier challengeTimeout(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a challenge timeout must be positive: " + duration);
        }
        return new Verifier(certificateTrust, knownEks, reference, required, duration, time);
    }

    /** The time source challenges expire by (the system clock by default). */
    public Verifier withTime(InstantSource source) {
        return new Verifier(certificateTrust, knownEks, reference, required, timeout,
                Objects.requireNonNull(source, "source"));
    }

    /**
     * Checks the enrollment's EK and AK and makes a challenge for it: a fresh nonce, and a credential with a fresh
     * secret protected to the EK for the AK's Name. Problems found here are in {@link Pending#rejection()} at once,
     * and in the verdict {@link Pending#finish} returns.
     */
    public Pending start(Enrollment enrollment) {
        List<Reason> reasons = new ArrayList<>();
        Optional<TpmIdentity> identity = checkEk(enrollment, reasons);
        checkAk(enrollment.ak(), reasons);
        byte[] nonce = randomBytes(NONCE_BYTES);
        byte[] secret = randomBytes(Math.max(1, Math.min(SECRET_BYTES, Credentials.maxSecretSize(enrollment.ek()))));
        Optional<Challenge> challenge = Optional.empty();
        try {
            MakeCredential.Response credential = Credentials.make(enrollment.ek(), nameOf(enrollment.ak()), secret);
            challenge = Optional.of(new Challenge(nonce, credential.credentialBlob(), credential.secret()));
        } catch (CredentialException e) {
            Step step = switch (e.input()) {
                case EK -> Step.EK;
                case AK_NAME -> Step.AK;
                case SECRET -> Step.CREDENTIAL;
            };
            reasons.add(new Reason(step, "no credential can be made: " + e.getMessage()));
        }
        Pending.Expected expected = new Pending.Expected(enrollment, identity, nonce, secret, reference, required);
        return new Pending(expected, reasons, challenge, time, time.instant().plus(timeout));
    }

    private Optional<TpmIdentity> checkEk(Enrollment enrollment, List<Reason> reasons) {
        PublicArea ek = enrollment.ek();
        if (certificateTrust.isEmpty()) {
            if (knownEks.stream().noneMatch(ek::equals)) {
                reasons.add(new Reason(Step.EK, "the EK (Name " + HexFormat.of().formatHex(nameOf(ek))
                        + ") is none of the " + knownEks.size() + " EKs this verifier knows"));
            }
            return Optional.empty();
        }
        if (enrollment.ekCertificate().isEmpty()) {
            reasons.add(new Reason(Step.EK, "the attester sent no EK certificate, and this verifier trusts an EK only"
                    + " by its certificate"));
            return Optional.empty();
        }
        EkVerdict verdict = EkValidator.trusting(certificateTrust.get()).validate(enrollment.ekCertificate().get(),
                ek, enrollment.ekChain());
        if (verdict instanceof EkVerdict.Rejected rejected) {
            rejected.problems().forEach(p -> reasons.add(new Reason(Step.EK, "EK certificate: " + p)));
            return Optional.empty();
        }
        return verdict.identity();
    }

    private static void checkAk(PublicArea ak, List<Reason> reasons) {
        if (AkTemplate.of(ak).isEmpty()) {
            reasons.add(new Reason(Step.AK, "the AK is made from no AK template (a restricted signing key with"
                    + " fixedTPM, fixedParent and sensitiveDataOrigin, RSA-2048 or ECC P-256 with SHA-256): " + ak));
        }
        try {
            AttestationKey.of(ak);
        } catch (AttestationFormatException e) {
            reasons.add(new Reason(Step.AK, e.getMessage()));
        }
    }

    /** The Name of a public area from the attester; empty (no Name, so no credential) when its nameAlg is no hash. */
    private static byte[] nameOf(PublicArea area) {
        try {
            return area.name();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new byte[0];
        }
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }
}
