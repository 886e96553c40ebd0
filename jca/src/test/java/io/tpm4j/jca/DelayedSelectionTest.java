package io.tpm4j.jca;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.Signature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Code that never names tpm4j: with the provider installed (last, after the JDK's), the JDK's delayed provider
 * selection picks tpm4j for a TPM key and the JDK's own providers for a software key.
 */
class DelayedSelectionTest extends WithProvider {

    private static final byte[] MESSAGE = "chosen by key".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void install() {
        assertTrue(Security.addProvider(provider) > 0, "tpm4j was installed already");
    }

    @AfterEach
    void uninstall() {
        Security.removeProvider(Tpm4jProvider.NAME);
    }

    private static String signAndVerify(KeyPair pair) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(MESSAGE);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(pair.getPublic());
        verifier.update(MESSAGE);
        assertTrue(verifier.verify(signature));
        assertEquals("SunEC", verifier.getProvider().getName(), "a public key is verified by the JDK");
        return signer.getProvider().getName();
    }

    @Test
    void signatureGoesToTpm4jForATpmKeyAndToSunEcForASoftwareKey() throws Exception {
        assertEquals("tpm4j", signAndVerify(ec("P-256")));
        assertEquals("SunEC", signAndVerify(KeyPairGenerator.getInstance("EC").generateKeyPair()));
        KeyPair rsa = rsa(2048);
        // Initialised before its parameters: a parameter set first would make the JDK choose a provider by name.
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.initSign(rsa.getPrivate());
        pss.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        pss.update(MESSAGE);
        pss.sign();
        assertEquals("tpm4j", pss.getProvider().getName());
    }

    @Test
    void cipherKeyAgreementAndMacChooseByKeyToo() throws Exception {
        KeyPair rsa = rsa(2048);
        Cipher encrypt = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        encrypt.init(Cipher.ENCRYPT_MODE, rsa.getPublic());
        assertEquals("SunJCE", encrypt.getProvider().getName());
        Cipher decrypt = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        decrypt.init(Cipher.DECRYPT_MODE, rsa.getPrivate());
        assertArrayEquals(MESSAGE, decrypt.doFinal(encrypt.doFinal(MESSAGE)));
        assertEquals("tpm4j", decrypt.getProvider().getName());

        KeyPair ec = ec("P-256");
        KeyPairGenerator peers = KeyPairGenerator.getInstance("EC");
        peers.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        KeyPair peer = peers.generateKeyPair();
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(ec.getPrivate());
        agreement.doPhase(peer.getPublic(), true);
        agreement.generateSecret();
        assertEquals("tpm4j", agreement.getProvider().getName());

        SecretKey tpmKey = KeyGenerator.getInstance("HmacSHA256", provider).generateKey();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(tpmKey);
        mac.doFinal(MESSAGE);
        assertEquals("tpm4j", mac.getProvider().getName());
        Mac software = Mac.getInstance("HmacSHA256");
        software.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        software.doFinal(MESSAGE);
        assertEquals("SunJCE", software.getProvider().getName());
    }
}
