package io.tpm4j.jca.keyfile;

import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded mutations of valid key files: each one either parses (and then re-encodes to what parses the same) or is
 * refused with a KeyFileException. Anything else (an unchecked exception, an OutOfMemoryError, a hang) is a bug.
 */
class TssPrivateKeyFuzzTest {

    private static final long SEED = 0x7055_6b65_79L;
    private static final int DER_MUTATIONS = 12_000;
    private static final int PEM_MUTATIONS = 2_000;

    private static List<byte[]> seeds() {
        return List.of(TssPrivateKeyFormatTest.everything().toDer(),
                TssPrivateKey.loadable(TpmRh.OWNER, TssPrivateKeyFormatTest.eccPublic(),
                        TssPrivateKeyFormatTest.PRIVATE, true).toDer(),
                TssPrivateKey.sealed(0x81000001, TssPrivateKeyFormatTest.eccPublic(), new byte[] {1}, false).toDer());
    }

    static byte[] mutate(byte[] input, Random random) {
        byte[] out = input.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && out.length > 0; e++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(7)) {
                case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> out[at] = (byte) random.nextInt(256);
                case 2 -> out[at] = (byte) new int[] {0x00, 0x7F, 0x80, 0x81, 0x82, 0x84, 0xFF}[random.nextInt(7)];
                case 3 -> out = Arrays.copyOf(out, at);
                case 4 -> {
                    byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                }
                case 5 -> {
                    int length = 1 + random.nextInt(Math.min(16, out.length - at));
                    byte[] shorter = new byte[out.length - length];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + length, shorter, at, out.length - at - length);
                    out = shorter;
                }
                default -> {
                    int length = 1 + random.nextInt(Math.min(32, out.length - at));
                    byte[] doubled = new byte[out.length + length];
                    System.arraycopy(out, 0, doubled, 0, at + length);
                    System.arraycopy(out, at, doubled, at + length, out.length - at);
                    out = doubled;
                }
            }
        }
        return out;
    }

    @Test
    void mutatedDerParsesConsistentlyOrIsRefusedWithKeyFileException() {
        Random random = new Random(SEED);
        List<byte[]> seeds = seeds();
        int parsed = 0;
        for (int i = 0; i < DER_MUTATIONS; i++) {
            byte[] mutant = mutate(seeds.get(i % seeds.size()), random);
            try {
                TssPrivateKey key = TssPrivateKey.fromDer(mutant);
                assertEquals(key, TssPrivateKey.fromDer(key.toDer()), "mutation " + i + " re-encodes differently");
                parsed++;
            } catch (KeyFileException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
            } catch (RuntimeException | Error e) {
                fail("mutation " + i + " (seed " + SEED + ") threw " + e, e);
            }
        }
        assertTrue(parsed < DER_MUTATIONS / 2, "most mutations must be refused: " + parsed + " parsed");
    }

    @Test
    void mutatedPemIsRefusedWithKeyFileExceptionOrParses() {
        Random random = new Random(SEED + 1);
        byte[] pem = TssPrivateKeyFormatTest.everything().toPem().getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < PEM_MUTATIONS; i++) {
            String mutant = new String(mutate(pem, random), StandardCharsets.ISO_8859_1);
            try {
                TssPrivateKey.fromPem(mutant);
            } catch (KeyFileException expected) {
                // refused, with a message
            } catch (RuntimeException | Error e) {
                fail("PEM mutation " + i + " (seed " + (SEED + 1) + ") threw " + e, e);
            }
        }
    }
}
