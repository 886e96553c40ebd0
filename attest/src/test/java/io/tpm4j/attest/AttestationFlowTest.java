package io.tpm4j.attest;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.attest.Verdict.Step;
import io.tpm4j.attest.ek.ProvisionedSwtpm;
import io.tpm4j.attest.credential.AkTemplate;
import io.tpm4j.attest.ek.EkSlot;
import io.tpm4j.attest.ek.EndorsementKeys;
import io.tpm4j.attest.ek.TpmIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole flow on swtpm: a TPM with EK certificates from swtpm_setup's local CA trusted by its certificate, and an
 * unprovisioned TPM trusted because its EK was registered; as objects and over the wire format. And the rejections
 * about the EK and the challenge: another TPM's certificate, an EK not registered, reference values, expiry, reuse.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AttestationFlowTest {

    @TempDir
    static Path dir;
    static ProvisionedSwtpm provisioned;
    @TempDir
    Path logs;
    MeasuredSwtpm machine;

    @BeforeAll
    static void provision() throws Exception {
        provisioned = ProvisionedSwtpm.create(Files.createDirectories(dir.resolve("tpm")));
    }

    @AfterEach
    void nothingLeftLoaded() {
        if (machine != null) {
            machine.close();
        }
    }

    /** Both rounds, the messages passed as objects or through their bytes. */
    static Verdict attest(Attester attester, Verifier verifier, boolean overTheWire) throws Exception {
        Enrollment enrollment = attester.enroll();
        Pending pending = verifier.start(overTheWire ? Enrollment.parse(enrollment.toBytes()) : enrollment);
        Challenge challenge = overTheWire ? Challenge.parse(pending.challenge().toBytes()) : pending.challenge();
        Evidence evidence = attester.respond(challenge);
        return pending.finish(overTheWire ? Evidence.parse(evidence.toBytes()) : evidence);
    }

    @Test
    void certifiedEkPassesAsObjectsAndOverTheWire() throws Exception {
        machine = MeasuredSwtpm.provisioned(provisioned, logs);
        Verifier verifier = Verifier.trustingEkCertificates(MeasuredSwtpm.trust(provisioned));
        for (boolean wire : new boolean[] {false, true}) {
            Verdict verdict = attest(machine.attester(), verifier, wire);

            Verdict.Trusted trusted = assertInstanceOf(Verdict.Trusted.class, verdict, verdict.toString());
            assertEquals(Optional.of(new TpmIdentity("id:00001014", "swtpm", "id:20191023")), trusted.tpm());
            assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 10), trusted.pcrs().indexes(TpmAlg.SHA256));
            for (int index : trusted.pcrs().indexes(TpmAlg.SHA256)) {
                assertArrayEquals(machine.tpm.pcrValues(TpmAlg.SHA256, index).get(index),
                        trusted.pcrs().get(TpmAlg.SHA256, index).orElseThrow(), "PCR " + index);
            }
            // The default EK is the first with a certificate: swtpm_setup's RSA-2048 one in the low range.
            assertEquals(EndorsementKeys.of(machine.tpm).recreate(EkSlot.RSA_2048_LOW), trusted.ek());
        }
    }

    @Test
    void registeredEkPassesWithoutACertificate() throws Exception {
        machine = MeasuredSwtpm.unprovisioned(logs);
        PublicArea registered = EndorsementKeys.of(machine.tpm).recreate(EkSlot.RSA_2048_LOW);
        Verifier verifier = Verifier.knowingEks(List.of(registered));
        for (boolean wire : new boolean[] {false, true}) {
            Verdict verdict = attest(machine.attester(), verifier, wire);

            Verdict.Trusted trusted = assertInstanceOf(Verdict.Trusted.class, verdict, verdict.toString());
            assertEquals(Optional.empty(), trusted.tpm());
            assertEquals(registered, trusted.ek());
        }
        // An RSA AK, and without an IMA list the default PCRs are 0-7 only.
        Attester rsa = machine.attester().withImaLog(Optional.empty()).withAk(AkTemplate.RSA_2048);
        Verdict.Trusted rsaAk = assertInstanceOf(Verdict.Trusted.class, attest(rsa, verifier, true));
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), rsaAk.pcrs().indexes(TpmAlg.SHA256));
    }

    @Test
    void aTpmWithoutCertificateIsRejectedByACertificateVerifier() throws Exception {
        machine = MeasuredSwtpm.unprovisioned(logs);
        Pending pending = Verifier.trustingEkCertificates(MeasuredSwtpm.trust(provisioned))
                .start(machine.attester().enroll());

        Verdict.Rejected early = pending.rejection().orElseThrow();
        assertEquals(List.of(Step.EK), early.steps());
        assertTrue(early.reasons().getFirst().detail().contains("no EK certificate"), early.toString());
    }

    @Test
    void anEkCertificateOfAnotherTpmIsRejected() throws Exception {
        ProvisionedSwtpm other = ProvisionedSwtpm.create(Files.createDirectories(dir.resolve("other")));
        byte[] otherCertificate;
        try (MeasuredSwtpm otherMachine = MeasuredSwtpm.provisioned(other, Files.createDirectories(
                dir.resolve("other-logs")))) {
            otherCertificate = EndorsementKeys.of(otherMachine.tpm).certificates().getFirst().contents();
        }
        machine = MeasuredSwtpm.provisioned(provisioned, logs);
        Attester attester = machine.attester();
        Enrollment real = attester.enroll();
        Enrollment swapped = new Enrollment(real.ek(), real.ak(), Optional.of(otherCertificate), real.ekChain());
        // Trusting both CAs: the other TPM's certificate is valid, but for another key.
        Verifier verifier = Verifier.trustingEkCertificates(MeasuredSwtpm.trust(provisioned)
                .withIntermediates(other.issuer(), other.root()));
        Pending pending = verifier.start(swapped);

        Verdict verdict = pending.finish(attester.respond(pending.challenge()));

        Verdict.Rejected rejected = assertInstanceOf(Verdict.Rejected.class, verdict);
        assertEquals(List.of(Step.EK), rejected.steps(), rejected.toString());
        assertTrue(rejected.reasons().stream().anyMatch(r -> r.detail().contains("PUBLIC_KEY")
                && r.detail().contains("certifies another key")), rejected.toString());
    }

    @Test
    void anEkNotRegisteredIsRejected() throws Exception {
        machine = MeasuredSwtpm.unprovisioned(logs);
        PublicArea someoneElses = EndorsementKeys.of(machine.tpm).recreate(EkSlot.ECC_NIST_P256_LOW);
        Attester attester = machine.attester();
        Pending pending = Verifier.knowingEks(List.of(someoneElses)).start(attester.enroll());
        assertEquals(List.of(Step.EK), pending.rejection().orElseThrow().steps());

        Verdict verdict = pending.finish(attester.respond(pending.challenge()));

        Verdict.Rejected rejected = assertInstanceOf(Verdict.Rejected.class, verdict);
        assertEquals(List.of(Step.EK), rejected.steps(), "the rest checks out: " + rejected);
        assertTrue(rejected.reasons().getFirst().detail().contains("none of the 1 EKs this verifier knows"),
                rejected.toString());
    }

    @Test
    void referenceValuesMustBeQuotedAndEqual() throws Exception {
        machine = MeasuredSwtpm.unprovisioned(logs);
        Verifier verifier = Verifier.knowingEks(List.of(EndorsementKeys.of(machine.tpm).recreate(EkSlot.RSA_2048_LOW)));
        Map<Integer, byte[]> golden = new TreeMap<>(machine.tpm.pcrValues(TpmAlg.SHA256, 0, 7));
        Verdict good = attest(machine.attester(), verifier.withReferenceValues(PcrValues.of(Map.of(TpmAlg.SHA256,
                golden))), false);
        assertInstanceOf(Verdict.Trusted.class, good, good.toString());

        golden.get(7)[0] ^= 1;
        golden.put(16, new byte[32]);
        Verdict bad = attest(machine.attester(), verifier.withReferenceValues(PcrValues.of(Map.of(TpmAlg.SHA256,
                golden))), false);

        Verdict.Rejected rejected = assertInstanceOf(Verdict.Rejected.class, bad);
        assertEquals(List.of(Step.REFERENCE), rejected.steps(), rejected.toString());
        assertEquals(2, rejected.reasons().size(), rejected.toString());
        assertTrue(rejected.reasons().get(0).detail().startsWith("sha256 PCR 7 is "), rejected.toString());
        assertTrue(rejected.reasons().get(1).detail().contains("PCR 16 has a reference value but was not quoted"),
                rejected.toString());
    }

    @Test
    void aChallengeExpiresAndIsAnsweredOnce() throws Exception {
        machine = MeasuredSwtpm.unprovisioned(logs);
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));
        Verifier verifier = Verifier.knowingEks(List.of(EndorsementKeys.of(machine.tpm).recreate(EkSlot.RSA_2048_LOW)))
                .challengeTimeout(Duration.ofMinutes(1)).withTime(now::get);
        Attester attester = machine.attester();

        Pending late = verifier.start(attester.enroll());
        Evidence evidence = attester.respond(late.challenge());
        now.set(now.get().plus(Duration.ofSeconds(61)));
        Verdict.Rejected expired = assertInstanceOf(Verdict.Rejected.class, late.finish(evidence));
        assertEquals(List.of(Step.CHALLENGE), expired.steps(), expired.toString());
        assertTrue(expired.reasons().getFirst().detail().contains("after the challenge expired at"));

        Pending once = verifier.start(attester.enroll());
        Evidence answer = attester.respond(once.challenge());
        assertInstanceOf(Verdict.Trusted.class, once.finish(answer));
        Verdict.Rejected again = assertInstanceOf(Verdict.Rejected.class, once.finish(answer));
        assertEquals(List.of(Step.CHALLENGE), again.steps());
        assertTrue(again.reasons().getFirst().detail().contains("answered before"), again.toString());
    }
}
