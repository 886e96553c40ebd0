package io.tpm4j.api.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TpmAlgTest {

    @Test
    void wellKnownIdentifiers() {
        assertEquals(0x0001, TpmAlg.RSA.value());
        assertEquals(0x0004, TpmAlg.SHA1.value());
        assertEquals(0x000B, TpmAlg.SHA256.value());
        assertEquals(0x0010, TpmAlg.NULL.value());
        assertEquals(0x0023, TpmAlg.ECC.value());
        assertEquals(0x0025, TpmAlg.SYMCIPHER.value());
        assertEquals(0x0043, TpmAlg.CFB.value());
        assertEquals("TPM_ALG_SHA256", TpmAlg.SHA256.specName());
    }

    @Test
    void valuesAreUniqueAndLookUpToThemselves() {
        Set<Integer> seen = new HashSet<>();
        for (TpmAlg alg : TpmAlg.values()) {
            assertTrue(seen.add(alg.value()), "duplicate " + alg);
            assertEquals(Optional.of(alg), TpmAlg.of(alg.value()));
        }
        assertEquals(Optional.empty(), TpmAlg.of(0x0002));
    }

    @Test
    void digestSizes() {
        assertEquals(OptionalInt.of(20), TpmAlg.SHA1.digestSize());
        assertEquals(OptionalInt.of(32), TpmAlg.SHA256.digestSize());
        assertEquals(OptionalInt.of(48), TpmAlg.SHA384.digestSize());
        assertEquals(OptionalInt.of(64), TpmAlg.SHA512.digestSize());
        assertEquals(OptionalInt.of(32), TpmAlg.SM3_256.digestSize());
        assertEquals(OptionalInt.of(48), TpmAlg.SHA3_384.digestSize());
        assertEquals(OptionalInt.empty(), TpmAlg.RSA.digestSize());
        assertEquals(OptionalInt.empty(), TpmAlg.HMAC.digestSize());
        assertEquals(OptionalInt.empty(), TpmAlg.SHAKE256.digestSize());
    }

    @Test
    void describe() {
        assertEquals("sha256", TpmAlg.describe(0x000B));
        assertEquals("rsa", TpmAlg.describe(0x0001));
        assertEquals("aes", TpmAlg.describe(0x0006));
        assertEquals("ecc", TpmAlg.describe(0x0023));
        assertEquals("keyedhash", TpmAlg.describe(0x0008));
        assertEquals("sha3_256", TpmAlg.describe(0x0027));
        assertEquals("alg 0x1234", TpmAlg.describe(0x1234));
    }
}
