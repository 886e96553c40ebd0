package io.tpm4j.api.crypto;

import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TpmAlg;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignaturesTest {

    @Test
    void ecdsaRoundTripsBetweenDerAndTpmForm() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair pair = generator.generateKeyPair();
        for (int i = 0; i < 50; i++) {
            java.security.Signature jca = java.security.Signature.getInstance("SHA384withECDSA");
            jca.initSign(pair.getPrivate());
            jca.update(new byte[] {(byte) i});
            byte[] der = jca.sign();
            Signature tpm = Signatures.fromJcaEcdsa(der, TpmAlg.SHA384, 48);
            assertEquals(48, ((Signature.Ecc) tpm).r().length);
            assertArrayEquals(der, Signatures.toJca(tpm), "signature " + i);
            assertEquals("SHA384withECDSA", Signatures.jcaAlgorithm(tpm));
        }
    }

    @Test
    void malformedDerIsRefusedClearly() {
        assertThrows(IllegalArgumentException.class, () -> Signatures.fromJcaEcdsa(new byte[] {0x31, 0}, TpmAlg.SHA256, 32));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Signatures.fromJcaEcdsa(new byte[] {0x30, 6, 0x02, 40, 1, 2}, TpmAlg.SHA256, 32));
        assertTrue(e.getMessage().contains("overruns"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Signatures.fromJcaEcdsa(new byte[] {0x30}, TpmAlg.SHA256, 32));
    }

    @Test
    void publicAreasRoundTripThroughJca() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair rsa = generator.generateKeyPair();
        assertEquals(rsa.getPublic(), PublicKeys.toPublicKey(PublicKeys.toPublicArea(rsa.getPublic(), TpmAlg.SHA256)));
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp521r1"));
        KeyPair p521 = ec.generateKeyPair();
        assertEquals(p521.getPublic(), PublicKeys.toPublicKey(PublicKeys.toPublicArea(p521.getPublic(), TpmAlg.SHA512)));
    }
}
