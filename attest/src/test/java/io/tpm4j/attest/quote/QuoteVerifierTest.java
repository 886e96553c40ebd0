package io.tpm4j.attest.quote;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.attest.PcrValues;
import io.tpm4j.attest.eventlog.FirmwareEvent;
import io.tpm4j.attest.eventlog.FirmwareEventLog;
import io.tpm4j.attest.eventlog.PcrReplay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.tpm4j.attest.quote.Attestations.NONCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quotes made by swtpm, verified without it; every tampering rejected with a reason naming it. */
class QuoteVerifierTest extends OnSwtpm {

    private static final int[] QUOTED = {0, 1, 2, 3, 16};

    static List<PublicArea> akTemplates() {
        return Attestations.akTemplates().toList();
    }

    /** A quote of {@link #QUOTED} in the SHA-256 bank, and the values read from the TPM for it. */
    private record Quoted(SignedAttestation quote, AttestationKey ak, PcrValues values) {
    }

    private Quoted quote(PublicArea akTemplate, List<PcrSelection> selection) throws Exception {
        tpm.pcrEvent(16, "a measurement before the quote".getBytes());
        try (TpmObject ak = tpm.createPrimary(TpmRh.ENDORSEMENT, akTemplate)) {
            SignedAttestation quote = SignedAttestation.of(tpm.quote(ak, NONCE, selection));
            Map<TpmAlg, Map<Integer, byte[]>> read = new HashMap<>();
            for (PcrSelection s : selection) {
                TpmAlg bank = TpmAlg.of(s.hashAlg()).orElseThrow();
                read.put(bank, tpm.pcrValues(bank, s.indices().stream().mapToInt(Integer::intValue).toArray()));
            }
            return new Quoted(quote, AttestationKey.of(ak.publicArea()), PcrValues.of(read));
        }
    }

    private Quoted quote(PublicArea akTemplate) throws Exception {
        return quote(akTemplate, List.of(PcrSelection.of(TpmAlg.SHA256, QUOTED)));
    }

    @ParameterizedTest
    @MethodSource("akTemplates")
    void tpm4jQuoteVerifies(PublicArea akTemplate) throws Exception {
        Quoted q = quote(akTemplate);
        Verification v = QuoteVerifier.verify(q.quote(), q.ak(), NONCE, q.values());
        assertTrue(v.ok(), v.toString());
        assertEquals(List.of(), v.findings());
        assertEquals(NONCE.length, v.attest().extraData().length);
    }

    @Test
    void twoBanksInTheQuotesOrder() throws Exception {
        Quoted q = quote(Templates.eccAttestationKey(), List.of(PcrSelection.of(TpmAlg.SHA256, 16, 0),
                PcrSelection.of(TpmAlg.SHA1, 16, 7)));
        Verification v = QuoteVerifier.verify(q.quote(), q.ak(), NONCE, q.values());
        assertTrue(v.ok(), v.toString());
    }

    @Test
    void theSameQuoteFromItsFiles() throws Exception {
        Quoted q = quote(Templates.eccAttestationKey());
        TpmWriter signature = new TpmWriter();
        q.quote().signature().write(signature);
        SignedAttestation fromFiles = SignedAttestation.parse(q.quote().attest(), signature.toByteArray());
        assertEquals(q.quote(), fromFiles);
        assertTrue(QuoteVerifier.verify(fromFiles, AttestationKey.of(q.ak().publicKey()), NONCE, q.values()).ok());
    }

    @ParameterizedTest
    @MethodSource("akTemplates")
    void tamperedNonceRejected(PublicArea akTemplate) throws Exception {
        Quoted q = quote(akTemplate);
        Verification otherNonce = QuoteVerifier.verify(q.quote(), q.ak(), "another nonce".getBytes(), q.values());
        assertEquals(List.of(Check.NONCE), checks(otherNonce));
        assertTrue(otherNonce.failures().getFirst().reason().contains("extraData"), otherNonce.toString());

        Verification changed = QuoteVerifier.verify(Attestations.withExtraDataFlipped(q.quote()), q.ak(), NONCE,
                q.values());
        assertEquals(List.of(Check.SIGNATURE, Check.NONCE), checks(changed));
    }

    @ParameterizedTest
    @MethodSource("akTemplates")
    void tamperedPcrValueRejected(PublicArea akTemplate) throws Exception {
        Quoted q = quote(akTemplate);
        Map<Integer, byte[]> values = new TreeMap<>();
        for (int index : QUOTED) {
            values.put(index, q.values().get(TpmAlg.SHA256, index).orElseThrow());
        }
        values.get(16)[0] ^= 1;
        Verification v = QuoteVerifier.verify(q.quote(), q.ak(), NONCE, PcrValues.of(Map.of(TpmAlg.SHA256, values)));
        assertEquals(List.of(Check.PCR_DIGEST), checks(v));
        assertTrue(v.failures().getFirst().reason().contains("pcrDigest"), v.toString());
    }

    @ParameterizedTest
    @MethodSource("akTemplates")
    void tamperedSignatureRejected(PublicArea akTemplate) throws Exception {
        Quoted q = quote(akTemplate);
        Verification v = QuoteVerifier.verify(Attestations.withSignatureFlipped(q.quote()), q.ak(), NONCE, q.values());
        assertEquals(List.of(Check.SIGNATURE), checks(v));
        assertTrue(v.failures().getFirst().reason().contains("does not verify"), v.toString());
    }

    @ParameterizedTest
    @MethodSource("akTemplates")
    void tamperedTypeRejected(PublicArea akTemplate) throws Exception {
        Quoted q = quote(akTemplate);
        Verification v = QuoteVerifier.verify(Attestations.withType(q.quote(), Attestations.CERTIFY), q.ak(), NONCE,
                q.values());
        assertEquals(List.of(Check.SIGNATURE, Check.TYPE), checks(v));
        assertTrue(v.failures().get(1).reason().contains("TPM_ST_ATTEST_CERTIFY, not TPM_ST_ATTEST_QUOTE"),
                v.toString());
    }

    @ParameterizedTest
    @MethodSource("akTemplates")
    void tamperedMagicRejected(PublicArea akTemplate) throws Exception {
        Quoted q = quote(akTemplate);
        Verification v = QuoteVerifier.verify(Attestations.withMagic(q.quote(), 0xff544348), q.ak(), NONCE,
                q.values());
        assertEquals(List.of(Check.SIGNATURE, Check.MAGIC), checks(v));
        assertTrue(v.failures().get(1).reason().contains("0xff544348"), v.toString());
    }

    @Test
    void everyTamperingIsReportedAtOnce() throws Exception {
        Quoted q = quote(Templates.eccAttestationKey());
        SignedAttestation tampered = Attestations.withMagic(Attestations.withType(q.quote(), 0x8019), 0);
        Verification v = QuoteVerifier.verify(tampered, q.ak(), new byte[0], q.values().only(Set.of(0, 1)));
        assertEquals(List.of(Check.SIGNATURE, Check.MAGIC, Check.TYPE, Check.NONCE, Check.PCR_SELECTION,
                Check.PCR_SELECTION, Check.PCR_SELECTION), checks(v));
        assertFalse(v.ok());
    }

    @Test
    void theSelectionMustBeWhatTheVerifierAskedFor() throws Exception {
        Quoted q = quote(Templates.eccAttestationKey());
        Map<Integer, byte[]> more = new TreeMap<>();
        for (int index : new int[] {0, 1, 2, 3, 16, 17}) {
            more.put(index, tpm.pcrValues(TpmAlg.SHA256, index).get(index));
        }
        Verification notQuoted = QuoteVerifier.verify(q.quote(), q.ak(), NONCE,
                PcrValues.of(Map.of(TpmAlg.SHA256, more)));
        assertEquals(List.of(Check.PCR_SELECTION), checks(notQuoted));
        assertTrue(notQuoted.failures().getFirst().reason().contains("does not select sha256 PCR 17"),
                notQuoted.toString());

        Verification unexpected = QuoteVerifier.verify(q.quote(), q.ak(), NONCE, q.values().only(Set.of(0, 1, 2, 3)));
        assertEquals(List.of(Check.PCR_SELECTION), checks(unexpected));
        assertTrue(unexpected.failures().getFirst().reason().contains("selects sha256 PCR 16, for which"),
                unexpected.toString());
    }

    @Test
    void anotherKeysQuoteRejected() throws Exception {
        Quoted q = quote(Templates.eccAttestationKey());
        try (TpmObject other = tpm.createPrimary(TpmRh.OWNER, Templates.eccAttestationKey())) {
            Verification v = QuoteVerifier.verify(q.quote(), AttestationKey.of(other.publicArea()), NONCE, q.values());
            assertEquals(List.of(Check.SIGNATURE), checks(v));
        }
        try (TpmObject rsa = tpm.createPrimary(TpmRh.OWNER, Attestations.rsaAk(TpmAlg.RSASSA))) {
            Verification v = QuoteVerifier.verify(q.quote(), AttestationKey.of(rsa.publicArea()), NONCE, q.values());
            assertEquals(List.of(Check.SIGNATURE), checks(v));
            assertTrue(v.failures().getFirst().reason().contains("the key signs with rsassa-sha256"), v.toString());
        }
    }

    /**
     * What the KEY check is for: an unrestricted signing key signs any digest, so it signs a TPMS_ATTEST made up
     * outside the TPM, with PCR values of the forger's choice, and the signature verifies.
     */
    @Test
    void aForgeryByAnUnrestrictedKeyRejected() throws Exception {
        Quoted real = quote(Templates.eccAttestationKey());
        byte[] forged = real.quote().attest();
        try (TpmObject key = tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey())) {
            Signature signature = tpm.sign(key, Names.digest(TpmAlg.SHA256).digest(forged));
            SignedAttestation forgery = new SignedAttestation(forged, signature);
            Verification v = QuoteVerifier.verify(forgery, AttestationKey.of(key.publicArea()), NONCE, real.values());
            assertEquals(List.of(Check.KEY), checks(v));
            assertTrue(v.failures().getFirst().reason().contains("not a restricted signing key"), v.toString());
        }
    }

    @Test
    void quoteOfAFirmwareLogsPcrsVerifiesAgainstItsReplay() throws Exception {
        FirmwareEventLog log;
        try (InputStream in = getClass().getResourceAsStream("/io/tpm4j/attest/kvm/binary_bios_measurements")) {
            log = FirmwareEventLog.parse(in.readAllBytes());
        }
        for (FirmwareEvent event : log.events()) {
            if (event.extendsPcr()) {
                tpm.pcrExtend(event.pcrIndex(), event.digests().toArray(TaggedDigest[]::new));
            }
        }
        PcrReplay<FirmwareEvent> replay = log.replay();
        Set<Integer> firmware = Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        try (TpmObject ak = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.eccAttestationKey())) {
            SignedAttestation quote = SignedAttestation.of(tpm.quote(ak, NONCE, List.of(PcrSelection.of(TpmAlg.SHA256,
                    0, 1, 2, 3, 4, 5, 6, 7, 8, 9))));
            AttestationKey key = AttestationKey.of(ak.publicArea());
            PcrValues expected = QuoteVerifier.expected(TpmAlg.SHA256, firmware, List.of(replay));
            assertTrue(QuoteVerifier.verify(quote, key, NONCE, expected).ok());

            // The same log with one event's digest changed: the replay no longer gives the quoted digest.
            List<FirmwareEvent> changed = new ArrayList<>(log.events());
            int last = changed.size() - 1;
            while (!changed.get(last).extendsPcr()) {
                last--;
            }
            changed.set(last, withDigest(changed.get(last), new byte[32]));
            PcrReplay<FirmwareEvent> wrong = new FirmwareEventLog(log.format(), log.banks(), changed).replay();
            Verification v = QuoteVerifier.verify(quote, key, NONCE, QuoteVerifier.expected(TpmAlg.SHA256, firmware,
                    List.of(wrong)));
            assertEquals(List.of(Check.PCR_DIGEST), checks(v));
        }
    }

    @Test
    void clockComparedWithThePreviousQuote() throws Exception {
        Quoted first = quote(Templates.eccAttestationKey());
        Quoted second = quote(Templates.eccAttestationKey());
        ClockInfo before = QuoteVerifier.verify(first.quote(), first.ak(), NONCE, first.values()).clock();
        Verification v = QuoteVerifier.verify(second.quote(), second.ak(), NONCE, second.values(), before);
        assertTrue(v.ok(), v.toString());
        assertEquals(List.of(), v.findings());
        assertTrue(Long.compareUnsigned(v.clock().clock(), before.clock()) >= 0);

        ClockInfo now = v.clock();
        assertEquals(List.of(ClockFinding.Kind.REBOOTED), kinds(second, new ClockInfo(now.clock(),
                now.resetCount() - 1, now.restartCount() + 3, true)));
        assertEquals(List.of(ClockFinding.Kind.RESET_COUNT_WENT_BACK, ClockFinding.Kind.CLOCK_WENT_BACK),
                kinds(second, new ClockInfo(now.clock() + 1, now.resetCount() + 1, now.restartCount(), true)));
        assertEquals(List.of(ClockFinding.Kind.RESTARTED), kinds(second, new ClockInfo(now.clock(),
                now.resetCount(), now.restartCount() - 1, true)));
    }

    private static List<ClockFinding.Kind> kinds(Quoted q, ClockInfo previous) throws Exception {
        Verification v = QuoteVerifier.verify(q.quote(), q.ak(), NONCE, q.values(), previous);
        assertTrue(v.ok(), "findings are not failures: " + v);
        return v.findings().stream().map(ClockFinding::kind).toList();
    }

    private static FirmwareEvent withDigest(FirmwareEvent event, byte[] sha256) {
        List<TaggedDigest> digests = new ArrayList<>();
        for (TaggedDigest d : event.digests()) {
            digests.add(d.hashAlg() == TpmAlg.SHA256 ? new TaggedDigest(TpmAlg.SHA256, sha256) : d);
        }
        return new FirmwareEvent(event.number(), event.offset(), event.pcrIndex(), event.type(), digests,
                event.data(), event.decoded());
    }

    static List<Check> checks(Verification v) {
        return v.failures().stream().map(Failure::check).toList();
    }
}
