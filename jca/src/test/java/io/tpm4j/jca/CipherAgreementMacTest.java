package io.tpm4j.jca;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.rm.Space;
import org.junit.jupiter.api.Test;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decryption, key agreement and MACs in the TPM give what the JDK computes with the public half (or the same key
 * bits), and the TPM's random bytes come in as many TPM2_GetRandom calls as the request needs.
 */
class CipherAgreementMacTest extends WithProvider {

    private static final byte[] SECRET = "a secret for the TPM to decrypt".getBytes(StandardCharsets.UTF_8);

    @Test
    void rsaPkcs1AndOaepDecryptInTheTpmWhatTheJdkEncryptedWithThePublicHalf() throws Exception {
        KeyPair pair = rsa(2048);
        Cipher jdk = Cipher.getInstance("RSA/ECB/PKCS1Padding", "SunJCE");
        jdk.init(Cipher.ENCRYPT_MODE, pair.getPublic());
        Cipher tpm = Cipher.getInstance("RSA/ECB/PKCS1Padding", provider);
        tpm.init(Cipher.DECRYPT_MODE, pair.getPrivate());
        assertArrayEquals(SECRET, tpm.doFinal(jdk.doFinal(SECRET)));

        OAEPParameterSpec oaep = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                PSource.PSpecified.DEFAULT);
        Cipher jdkOaep = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", "SunJCE");
        jdkOaep.init(Cipher.ENCRYPT_MODE, pair.getPublic(), oaep);
        Cipher tpmOaep = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", provider);
        tpmOaep.init(Cipher.DECRYPT_MODE, pair.getPrivate());
        assertArrayEquals(SECRET, tpmOaep.doFinal(jdkOaep.doFinal(SECRET)));

        // tpm4j's own cipher encrypts with the public half, and the JDK decrypts nothing it cannot: round trip.
        Cipher encrypt = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", provider);
        encrypt.init(Cipher.ENCRYPT_MODE, pair.getPublic());
        byte[] cipherText = encrypt.doFinal(SECRET);
        assertArrayEquals(SECRET, tpmOaep.doFinal(cipherText));

        // OAEP with the JDK's default MGF1(SHA-1) is refused up front, and a corrupted ciphertext is a bad padding.
        assertThrows(java.security.InvalidAlgorithmParameterException.class, () -> tpmOaep.init(Cipher.DECRYPT_MODE,
                pair.getPrivate(), new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA1,
                        PSource.PSpecified.DEFAULT)));
        tpmOaep.init(Cipher.DECRYPT_MODE, pair.getPrivate());
        byte[] good = cipherText.clone();
        cipherText[10] ^= 1;
        BadPaddingException bad = assertThrows(BadPaddingException.class, () -> tpmOaep.doFinal(cipherText));
        assertTrue(bad.getMessage().contains("padding"), bad.getMessage());
        assertArrayEquals(SECRET, tpmOaep.doFinal(good), "the TPM still decrypts after a bad padding");
    }

    @Test
    void rsaUnwrapGivesTheWrappedSecretKey() throws Exception {
        KeyPair pair = rsa(2048);
        SecretKey aes = new SecretKeySpec(new byte[16], "AES");
        Cipher wrap = Cipher.getInstance("RSA/ECB/PKCS1Padding", "SunJCE");
        wrap.init(Cipher.WRAP_MODE, pair.getPublic());
        Cipher unwrap = Cipher.getInstance("RSA/ECB/PKCS1Padding", provider);
        unwrap.init(Cipher.UNWRAP_MODE, pair.getPrivate());
        assertEquals(aes, unwrap.unwrap(wrap.wrap(aes), "AES", Cipher.SECRET_KEY));
    }

    @Test
    void ecdhInTheTpmAgreesWithSunEcOnBothCurves() throws Exception {
        for (String curve : new String[] {"secp256r1", "secp384r1"}) {
            KeyPair tpmPair = ec(curve);
            KeyPairGenerator software = KeyPairGenerator.getInstance("EC", "SunEC");
            software.initialize(new ECGenParameterSpec(curve));
            KeyPair peer = software.generateKeyPair();

            KeyAgreement inTpm = KeyAgreement.getInstance("ECDH", provider);
            inTpm.init(tpmPair.getPrivate());
            inTpm.doPhase(peer.getPublic(), true);
            byte[] tpmSecret = inTpm.generateSecret();

            KeyAgreement jdk = KeyAgreement.getInstance("ECDH", "SunEC");
            jdk.init(peer.getPrivate());
            jdk.doPhase(tpmPair.getPublic(), true);
            assertArrayEquals(jdk.generateSecret(), tpmSecret, curve);
        }
    }

    @Test
    void hmacWithATpmKeyEqualsTheJdksWithTheSameKeyBitsShortAndLong() throws Exception {
        byte[] keyBits = new byte[32];
        new SecureRandom().nextBytes(keyBits);
        PublicArea template = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
                ObjectAttributes.FIXED_PARENT, ObjectAttributes.USER_WITH_AUTH, ObjectAttributes.SIGN_ENCRYPT),
                new byte[0], new PublicParameters.KeyedHash(Scheme.of(TpmAlg.HMAC, TpmAlg.SHA256)),
                new PublicId.Digest(new byte[0]));
        Create.Response imported;
        // The key bits go in under the same standard SRK the provider makes for itself (a primary is deterministic).
        try (Space space = rm.openSpace("importer"); Tpm tpm = Tpm.on(space);
             TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            imported = tpm.create(srk, template, new SensitiveCreate(new byte[0], keyBits));
        }
        TpmKey key = provider.loadableKey(imported.outPublic(), imported.outPrivate(), TpmParent.storageRootKey(), null, null);
        assertInstanceOf(TpmHmacKey.class, key);
        Mac jdk = Mac.getInstance("HmacSHA256", "SunJCE");
        jdk.init(new SecretKeySpec(keyBits, "HmacSHA256"));
        Mac tpm = Mac.getInstance("HmacSHA256", provider);
        tpm.init(key);
        for (int length : new int[] {0, 100, 1024, 3000}) {
            byte[] data = new byte[length];
            Arrays.fill(data, (byte) length);
            assertArrayEquals(jdk.doFinal(data), tpm.doFinal(data), length + " bytes");
        }
    }

    @Test
    void aGeneratedHmacKeyMacsConsistently() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("HmacSHA256", provider);
        SecretKey key = generator.generateKey();
        assertInstanceOf(TpmHmacKey.class, key);
        Mac mac = Mac.getInstance("HmacSHA256", provider);
        mac.init(key);
        byte[] one = mac.doFinal(SECRET);
        assertArrayEquals(one, mac.doFinal(SECRET));
        assertFalse(Arrays.equals(one, mac.doFinal("other".getBytes(StandardCharsets.UTF_8))));
        assertEquals(32, one.length);
    }

    @Test
    void secureRandomComesFromGetRandomInChunksAndSetSeedStirs() throws Exception {
        SecureRandom random = SecureRandom.getInstance("TPM", provider);
        atTpm.reset();
        byte[] a = new byte[100];
        random.nextBytes(a);
        assertEquals(java.util.Map.of("TPM2_GetRandom", 2L), atTpm.byCode(), "100 bytes in 64-byte chunks");
        byte[] b = new byte[100];
        random.nextBytes(b);
        assertFalse(Arrays.equals(a, b));
        atTpm.reset();
        random.setSeed(new byte[200]);
        assertEquals(java.util.Map.of("TPM2_StirRandom", 2L), atTpm.byCode());
        assertTrue(random.getProvider() == provider);
    }
}
