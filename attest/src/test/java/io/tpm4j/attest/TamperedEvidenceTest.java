package io.tpm4j.attest;

import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.attest.Verdict.Reason;
import io.tpm4j.attest.Verdict.Step;
import io.tpm4j.attest.credential.ActivationException;
import io.tpm4j.attest.ek.EkSlot;
import io.tpm4j.attest.ek.EndorsementKeys;
import io.tpm4j.attest.eventlog.FirmwareEvent;
import io.tpm4j.attest.eventlog.FirmwareEventLog;
import io.tpm4j.attest.eventlog.ImaEntry;
import io.tpm4j.attest.eventlog.ImaLog;
import io.tpm4j.attest.eventlog.ImaTemplate;
import io.tpm4j.attest.quote.SignedAttestation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each tampering with the attester's answer rejected with the step it concerns and a reason that says what was
 * wrong; several at once, every one of them. On an unprovisioned swtpm whose EK the verifier knows.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TamperedEvidenceTest {

    @TempDir
    Path logs;
    MeasuredSwtpm machine;
    Verifier verifier;
    Attester attester;
    Enrollment enrollment;
    Pending pending;
    Evidence evidence;

    @BeforeEach
    void answerAChallenge() throws Exception {
        machine = MeasuredSwtpm.unprovisioned(logs);
        verifier = Verifier.knowingEks(List.of(EndorsementKeys.of(machine.tpm).recreate(EkSlot.RSA_2048_LOW)));
        attester = machine.attester();
        enrollment = attester.enroll();
        pending = verifier.start(enrollment);
        evidence = attester.respond(pending.challenge());
    }

    @AfterEach
    void nothingLeftLoaded() {
        machine.close();
    }

    private static Verdict.Rejected rejected(Verdict verdict) {
        return assertInstanceOf(Verdict.Rejected.class, verdict);
    }

    private static Evidence withSecret(Evidence e, byte[] secret) {
        return new Evidence(secret, e.quote(), e.pcrs(), e.firmwareLog(), e.imaLog());
    }

    private static Evidence withQuote(Evidence e, SignedAttestation quote) {
        return new Evidence(e.activatedSecret(), quote, e.pcrs(), e.firmwareLog(), e.imaLog());
    }

    private static Evidence withLogs(Evidence e, Optional<byte[]> firmware, Optional<byte[]> ima) {
        return new Evidence(e.activatedSecret(), e.quote(), e.pcrs(), firmware, ima);
    }

    @Test
    void untouchedEvidencePasses() {
        assertInstanceOf(Verdict.Trusted.class, pending.finish(evidence));
    }

    @Test
    void evidenceReplayedForANewChallengeIsRejected() {
        Pending next = verifier.start(enrollment);

        Verdict.Rejected rejected = rejected(next.finish(evidence));

        assertEquals(List.of(Step.CREDENTIAL, Step.QUOTE), rejected.steps(), rejected.toString());
        assertEquals(2, rejected.reasons().size(), rejected.toString());
        assertTrue(rejected.reasons().get(1).detail().startsWith("NONCE: TPMS_ATTEST.extraData"), rejected.toString());
    }

    @Test
    void aCredentialForAnotherAkIsRefusedByTheTpm() throws Exception {
        Attester other = machine.attester();
        other.enroll();

        ActivationException refused = assertThrows(ActivationException.class, () -> other.respond(
                pending.challenge()));
        assertEquals(ActivationException.Reason.INTEGRITY, refused.reason());
    }

    @Test
    void anAkOfAnotherTpmUnderTheEnrolledEkIsRefusedByTheTpm() throws Exception {
        try (MeasuredSwtpm otherMachine = MeasuredSwtpm.unprovisioned(Files.createDirectories(
                logs.resolve("other")))) {
            Attester other = otherMachine.attester();
            Enrollment mixed = new Enrollment(enrollment.ek(), other.enroll().ak(), Optional.empty(), List.of());
            Pending forMixed = verifier.start(mixed);
            assertEquals(Optional.empty(), forMixed.rejection(), "the EK is known and the AK well made");

            ActivationException refused = assertThrows(ActivationException.class, () -> other.respond(
                    forMixed.challenge()));
            assertEquals(ActivationException.Reason.SEED_NOT_FOR_THIS_EK, refused.reason(), refused.getMessage());
        }
    }

    @Test
    void aQuoteByAnotherAkIsRejected() throws Exception {
        Attester other = machine.attester();
        Pending forOther = verifier.start(other.enroll());
        // The other AK answers with the first challenge's nonce; only the activated secret is the first AK's.
        Challenge withFirstNonce = new Challenge(pending.challenge().nonce(), forOther.challenge().credentialBlob(),
                forOther.challenge().encryptedSeed());
        Evidence byOther = other.respond(withFirstNonce);

        Verdict.Rejected rejected = rejected(pending.finish(withQuote(evidence, byOther.quote())));

        assertEquals(List.of(Step.QUOTE), rejected.steps(), rejected.toString());
        assertTrue(rejected.reasons().getFirst().detail().startsWith("SIGNATURE:"), rejected.toString());
    }

    @Test
    void aWrongActivatedSecretIsRejected() {
        byte[] secret = evidence.activatedSecret();
        secret[0] ^= 1;

        Verdict.Rejected rejected = rejected(pending.finish(withSecret(evidence, secret)));

        assertEquals(List.of(Step.CREDENTIAL), rejected.steps(), rejected.toString());
        assertTrue(rejected.reasons().getFirst().detail().contains("not the one the credential carried"));
    }

    @Test
    void aTamperedSignatureIsRejected() {
        Signature.Ecc ecc = (Signature.Ecc) evidence.quote().signature();
        byte[] s = ecc.s();
        s[5] ^= 0x20;
        SignedAttestation tampered = new SignedAttestation(evidence.quote().attest(), new Signature.Ecc(ecc.sigAlg(),
                ecc.hashAlg(), ecc.r(), s));

        Verdict.Rejected rejected = rejected(pending.finish(withQuote(evidence, tampered)));

        assertEquals(List.of(Step.QUOTE), rejected.steps());
        assertEquals(1, rejected.reasons().size(), rejected.toString());
        assertTrue(rejected.reasons().getFirst().detail().contains("does not verify"), rejected.toString());
    }

    @Test
    void aTamperedPcrDigestIsRejected() {
        byte[] attest = evidence.quote().attest();
        attest[attest.length - 1] ^= 1; // TPMS_QUOTE_INFO.pcrDigest is the last field

        Verdict.Rejected rejected = rejected(pending.finish(withQuote(evidence, new SignedAttestation(attest,
                evidence.quote().signature()))));

        assertEquals(List.of(Step.QUOTE), rejected.steps());
        assertEquals(List.of("SIGNATURE", "PCR_DIGEST"), rejected.reasons().stream()
                .map(r -> r.detail().substring(0, r.detail().indexOf(':'))).toList(), rejected.toString());
    }

    @Test
    void aPcrValueTheQuoteDoesNotProveIsRejected() {
        Map<Integer, byte[]> claimed = new TreeMap<>();
        evidence.pcrs().indexes(TpmAlg.SHA256).forEach(i -> claimed.put(i, evidence.pcrs().get(TpmAlg.SHA256, i)
                .orElseThrow()));
        claimed.get(4)[0] ^= 1;
        Evidence lying = new Evidence(evidence.activatedSecret(), evidence.quote(), PcrValues.of(Map.of(TpmAlg.SHA256,
                claimed)), evidence.firmwareLog(), evidence.imaLog());

        Verdict.Rejected rejected = rejected(pending.finish(lying));

        assertEquals(List.of(Step.QUOTE, Step.EVENT_LOG), rejected.steps(), rejected.toString());
        assertTrue(rejected.reasons().getFirst().detail().startsWith("PCR_DIGEST:"), rejected.toString());
        assertEquals(4, rejected.reasons().get(1).mismatch().orElseThrow().index());
    }

    @Test
    void aFirmwareEventChangedNamesItsPcrAndEvents() throws Exception {
        byte[] log = evidence.firmwareLog().orElseThrow();
        FirmwareEvent event = FirmwareEventLog.parse(log).events().stream()
                .filter(e -> e.pcrIndex() == 4 && e.extendsPcr()).findFirst().orElseThrow();
        int at = indexOf(log, event.digest(TpmAlg.SHA256).orElseThrow(), (int) event.offset());
        log[at] ^= 1;

        Verdict.Rejected rejected = rejected(pending.finish(withLogs(evidence, Optional.of(log),
                evidence.imaLog())));

        assertEquals(List.of(Step.EVENT_LOG), rejected.steps(), rejected.toString());
        assertEquals(1, rejected.reasons().size(), rejected.toString());
        Reason reason = rejected.reasons().getFirst();
        PcrMismatch<?> mismatch = reason.mismatch().orElseThrow();
        assertEquals(TpmAlg.SHA256, mismatch.bank());
        assertEquals(4, mismatch.index());
        assertTrue(mismatch.events().stream().anyMatch(e -> ((FirmwareEvent) e).number() == event.number()));
        assertTrue(reason.detail().startsWith("the firmware log: sha256 PCR 4:"), reason.detail());
        assertTrue(reason.detail().contains("#" + event.number() + " " + event.typeName()), reason.detail());
    }

    @Test
    void anImaEntryChangedNamesPcr10AndTheEntry() throws Exception {
        byte[] list = evidence.imaLog().orElseThrow();
        ImaEntry entry = ImaLog.parse(list).entries().stream().filter(e -> e.template() instanceof ImaTemplate.ImaSig)
                .skip(3).findFirst().orElseThrow();
        String name = ((ImaTemplate.ImaSig) entry.template()).fileName();
        int at = indexOf(list, name.getBytes(StandardCharsets.UTF_8), (int) entry.offset());
        list[at + name.length() - 1] ^= 0x20;

        Verdict.Rejected rejected = rejected(pending.finish(withLogs(evidence, evidence.firmwareLog(),
                Optional.of(list))));

        assertEquals(List.of(Step.EVENT_LOG), rejected.steps(), rejected.toString());
        Reason reason = rejected.reasons().getFirst();
        assertEquals(10, reason.mismatch().orElseThrow().index());
        assertTrue(reason.detail().startsWith("the IMA log: sha256 PCR 10:"), reason.detail());
        assertTrue(reason.detail().endsWith("(changed after the kernel measured them): #" + entry.number()
                + " ima-sig"), reason.detail());
    }

    @Test
    void missingLogsAndUnparsableLogsAreReasons() {
        Verdict.Rejected none = rejected(pending.finish(withLogs(evidence, Optional.empty(), evidence.imaLog())));
        assertEquals(List.of(Step.EVENT_LOG), none.steps());
        assertEquals(8, none.reasons().size(), "PCRs 0-7 each: " + none);
        assertTrue(none.reasons().getFirst().detail().startsWith("no firmware log (the attester sent none): sha256"
                + " PCR 0: the log extends nothing into it"), none.toString());

        Pending again = verifier.start(enrollment);
        Verdict.Rejected broken = rejected(again.finish(withLogs(evidence, Optional.of(new byte[] {1, 2, 3}),
                Optional.of(new byte[] {9}))));
        assertTrue(broken.reasons().stream().anyMatch(r -> r.step() == Step.EVENT_LOG
                && r.detail().startsWith("the firmware log does not parse:")), broken.toString());
        assertTrue(broken.reasons().stream().anyMatch(r -> r.step() == Step.EVENT_LOG
                && r.detail().startsWith("the IMA log does not parse:")), broken.toString());
    }

    @Test
    void everyTamperingIsReportedAtOnce() throws Exception {
        Verifier strict = Verifier.knowingEks(List.of(EndorsementKeys.of(machine.tpm).recreate(EkSlot.ECC_NIST_P256_LOW)))
                .withReferenceValues(PcrValues.of(Map.of(TpmAlg.SHA256, Map.of(0, new byte[32]))));
        Pending strictPending = strict.start(enrollment);
        Evidence answer = attester.respond(strictPending.challenge());
        byte[] secret = answer.activatedSecret();
        secret[1] ^= 1;
        byte[] attest = answer.quote().attest();
        attest[attest.length - 1] ^= 1;
        Evidence tampered = new Evidence(secret, new SignedAttestation(attest, answer.quote().signature()),
                answer.pcrs(), Optional.empty(), answer.imaLog());

        Verdict.Rejected rejected = rejected(strictPending.finish(tampered));

        assertEquals(List.of(Step.EK, Step.CREDENTIAL, Step.QUOTE, Step.EVENT_LOG, Step.REFERENCE), rejected.steps(),
                rejected.toString());
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
