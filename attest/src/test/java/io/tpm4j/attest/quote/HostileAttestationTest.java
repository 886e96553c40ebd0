package io.tpm4j.attest.quote;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.attest.PcrValues;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.tpm4j.attest.quote.Attestations.NONCE;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attestation bytes from an attester are hostile: whatever they are, the verifier answers with a verdict or with
 * {@link AttestationFormatException} naming what was wrong, never another exception and never a pass.
 */
class HostileAttestationTest extends OnSwtpm {

    private static final int MUTATIONS = 5_000;

    private record Real(byte[] attest, byte[] signature, AttestationKey ak, PcrValues values) {
    }

    private Real realQuote() throws Exception {
        try (TpmObject ak = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.eccAttestationKey())) {
            SignedAttestation quote = SignedAttestation.of(tpm.quote(ak, NONCE, List.of(PcrSelection.of(TpmAlg.SHA256,
                    0, 1, 2))));
            TpmWriter signature = new TpmWriter();
            quote.signature().write(signature);
            return new Real(quote.attest(), signature.toByteArray(), AttestationKey.of(ak.publicArea()),
                    PcrValues.of(Map.of(TpmAlg.SHA256, tpm.pcrValues(TpmAlg.SHA256, 0, 1, 2))));
        }
    }

    @Test
    void everyTruncationAndTrailingByteNamed() throws Exception {
        Real real = realQuote();
        for (int length = 0; length < real.attest().length; length++) {
            SignedAttestation cut = SignedAttestation.parse(Arrays.copyOf(real.attest(), length), real.signature());
            AttestationFormatException e = assertThrows(AttestationFormatException.class,
                    () -> QuoteVerifier.verify(cut, real.ak(), NONCE, real.values()), "length " + length);
            assertTrue(e.getMessage().contains("TPMS_") || e.getMessage().contains("TPML_"), e.getMessage());
        }
        SignedAttestation longer = SignedAttestation.parse(Arrays.copyOf(real.attest(), real.attest().length + 1),
                real.signature());
        AttestationFormatException trailing = assertThrows(AttestationFormatException.class,
                () -> QuoteVerifier.verify(longer, real.ak(), NONCE, real.values()));
        assertTrue(trailing.getMessage().contains("trailing"), trailing.getMessage());

        for (int length = 0; length < real.signature().length; length++) {
            byte[] cut = Arrays.copyOf(real.signature(), length);
            AttestationFormatException e = assertThrows(AttestationFormatException.class,
                    () -> SignedAttestation.parse(real.attest(), cut), "length " + length);
            assertTrue(e.getMessage().contains("TPMT_SIGNATURE") || e.getMessage().contains("TPMS_SIGNATURE"),
                    e.getMessage());
        }
    }

    @Test
    void oversizedInputRefusedBeforeParsing() {
        AttestationFormatException attest = assertThrows(AttestationFormatException.class,
                () -> SignedAttestation.parse(new byte[SignedAttestation.MAX_ATTEST_BYTES + 1], new byte[] {0, 0x10}));
        assertTrue(attest.getMessage().contains("more than the 4096 accepted"), attest.getMessage());
        assertThrows(AttestationFormatException.class, () -> SignedAttestation.parse(new byte[8],
                new byte[SignedAttestation.MAX_SIGNATURE_BYTES + 1]));
        assertThrows(AttestationFormatException.class, () -> AttestationKey.parse(
                new byte[AttestationKey.MAX_PUBLIC_BYTES + 1]));
        AttestationFormatException key = assertThrows(AttestationFormatException.class,
                () -> AttestationKey.parse(new byte[] {0, 4, 0, 1, 0, 11}));
        assertTrue(key.getMessage().contains("TPM2B_PUBLIC"), key.getMessage());
        AttestationFormatException sigAlg = assertThrows(AttestationFormatException.class,
                () -> SignedAttestation.parse(new byte[8], new byte[] {0, 0x0b}));
        assertTrue(sigAlg.getMessage().contains("is not a signature scheme"), sigAlg.getMessage());
    }

    /** Seeded random byte changes of a real quote and its signature: never a pass, never a foreign exception. */
    @Test
    void mutatedQuotesNeverPass() throws Exception {
        Real real = realQuote();
        Random random = new Random(18);
        int verdicts = 0;
        int refusals = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] attest = mutate(real.attest(), random);
            byte[] signature = random.nextInt(4) == 0 ? mutate(real.signature(), random) : real.signature();
            if (Arrays.equals(attest, real.attest()) && Arrays.equals(signature, real.signature())) {
                continue;
            }
            try {
                Verification v = QuoteVerifier.verify(SignedAttestation.parse(attest, signature), real.ak(), NONCE,
                        real.values());
                assertFalse(v.ok(), "mutation " + i + " passed");
                verdicts++;
            } catch (AttestationFormatException e) {
                refusals++;
            }
        }
        assertTrue(verdicts > 0 && refusals > 0, verdicts + " verdicts, " + refusals + " refusals");
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] out = original.clone();
        switch (random.nextInt(3)) {
            case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
            default -> {
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
            }
        }
        return out;
    }
}
