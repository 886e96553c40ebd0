package io.tpm4j.jca;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every signature algorithm signs in the TPM, and the JDK's own providers verify what it signed. */
class SignatureTest extends WithProvider {

    private static final byte[] MESSAGE = "a message signed in the TPM".getBytes(StandardCharsets.UTF_8);

    private byte[] sign(String algorithm, KeyPair pair) throws Exception {
        Signature signer = Signature.getInstance(algorithm, provider);
        signer.initSign(pair.getPrivate());
        signer.update(MESSAGE);
        return signer.sign();
    }

    private static boolean jdkVerifies(String algorithm, String jdkProvider, KeyPair pair, byte[] message,
                                       byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance(algorithm, jdkProvider);
        verifier.initVerify(pair.getPublic());
        verifier.update(message);
        return verifier.verify(signature);
    }

    @Test
    void ecdsaOnP256AndP384WithEveryDigestVerifiesWithSunEc() throws Exception {
        for (String curve : new String[] {"P-256", "P-384"}) {
            KeyPair pair = ec(curve);
            assertInstanceOf(TpmEcKey.class, pair.getPrivate());
            assertInstanceOf(ECPublicKey.class, pair.getPublic());
            assertNull(pair.getPrivate().getEncoded());
            assertNull(pair.getPrivate().getFormat());
            for (String algorithm : new String[] {"SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA"}) {
                byte[] signature = sign(algorithm, pair);
                assertTrue(jdkVerifies(algorithm, "SunEC", pair, MESSAGE, signature), algorithm + " on " + curve);
                assertFalse(jdkVerifies(algorithm, "SunEC", pair, "another message".getBytes(StandardCharsets.UTF_8),
                        signature), algorithm + " verified another message");
            }
        }
    }

    @Test
    void noneWithEcdsaSignsADigestAsSunEcDoes() throws Exception {
        KeyPair pair = ec("P-256");
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(MESSAGE);
        Signature signer = Signature.getInstance("NONEwithECDSA", provider);
        signer.initSign(pair.getPrivate());
        signer.update(digest);
        byte[] signature = signer.sign();
        assertTrue(jdkVerifies("NONEwithECDSA", "SunEC", pair, digest, signature));
        assertTrue(jdkVerifies("SHA256withECDSA", "SunEC", pair, MESSAGE, signature), "DER over SHA-256, as SunEC");
        signer.initSign(pair.getPrivate());
        signer.update(new byte[20]);
        SignatureException e = assertThrows(SignatureException.class, signer::sign);
        assertTrue(e.getMessage().contains("32, 48 or 64 bytes"), e.getMessage());
    }

    @Test
    void rsassaOn2048And3072WithEveryDigestVerifiesWithSunRsaSign() throws Exception {
        for (int bits : new int[] {2048, 3072}) {
            KeyPair pair = rsa(bits);
            assertEquals(bits, ((RSAPublicKey) pair.getPublic()).getModulus().bitLength());
            for (String algorithm : new String[] {"SHA256withRSA", "SHA384withRSA", "SHA512withRSA"}) {
                assertTrue(jdkVerifies(algorithm, "SunRsaSign", pair, MESSAGE, sign(algorithm, pair)),
                        algorithm + " with RSA-" + bits);
            }
        }
    }

    @Test
    void rsaPssWithTheTpmsSaltLengthVerifiesAndAnotherIsRefusedClearly() throws Exception {
        KeyPair pair = rsa(2048);
        int salt = TpmRsaKeyTesting.pssSaltLength(provider, pair, "SHA-256");
        PSSParameterSpec spec = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, salt, 1);
        Signature signer = Signature.getInstance("RSASSA-PSS", provider);
        signer.setParameter(spec);
        signer.initSign(pair.getPrivate());
        signer.update(MESSAGE);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
        verifier.setParameter(spec);
        verifier.initVerify(pair.getPublic());
        verifier.update(MESSAGE);
        assertTrue(verifier.verify(signature));

        signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, salt == 32 ? 20 : 32, 1));
        signer.update(MESSAGE);
        SignatureException e = assertThrows(SignatureException.class, signer::sign);
        assertTrue(e.getMessage().contains(salt + "-byte salt"), e.getMessage());
        assertThrows(java.security.InvalidAlgorithmParameterException.class, () -> signer.setParameter(
                new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA1, salt, 1)));
    }

    @Test
    void aSoftwareKeyIsRefusedWithItsClassNamed() throws Exception {
        KeyPair software = java.security.KeyPairGenerator.getInstance("EC").generateKeyPair();
        Signature signer = Signature.getInstance("SHA256withECDSA", provider);
        java.security.InvalidKeyException e = assertThrows(java.security.InvalidKeyException.class,
                () -> signer.initSign(software.getPrivate()));
        assertTrue(e.getMessage().contains("TpmEcKey"), e.getMessage());
    }
}
