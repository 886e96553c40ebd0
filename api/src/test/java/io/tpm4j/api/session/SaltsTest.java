package io.tpm4j.api.session;

import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.TpmReader;
import org.junit.jupiter.api.Test;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.MGF1ParameterSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A session salt is encrypted the way the TPM decrypts it (Part 1, "Secret Sharing", and Annex B/C): the
 * TPM's private key is played by a JDK key pair, and the salt is recovered from what {@link Salts} sends.
 */
class SaltsTest {

    /** The OAEP label of a salt: "SECRET" with its terminating zero. */
    private static final byte[] SECRET = "SECRET\0".getBytes(StandardCharsets.US_ASCII);

    private static PublicArea withNameAlg(PublicArea area, TpmAlg nameAlg) {
        return new PublicArea(nameAlg, area.attributes(), area.authPolicy(), area.parameters(), area.unique());
    }

    private static KeyPair generate(String algorithm, java.security.spec.AlgorithmParameterSpec spec) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(spec);
        return generator.generateKeyPair();
    }

    private static byte[] oaepDecrypt(KeyPair key, String hash, byte[] label, byte[] cipherText) throws Exception {
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
        oaep.init(Cipher.DECRYPT_MODE, key.getPrivate(), new OAEPParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash),
                new PSource.PSpecified(label)));
        return oaep.doFinal(cipherText);
    }

    /** RSA: OAEP with the key's nameAlg for both the hash and MGF1, label "SECRET\0", a salt of nameAlg's size. */
    @Test
    void anRsaSaltIsOaepWithTheLabelSecretAndTheKeysNameAlg() throws Exception {
        KeyPair tpmKey = generate("RSA", new java.security.spec.RSAKeyGenParameterSpec(2048, BigInteger.valueOf(65537)));
        PublicArea sha256Key = PublicKeys.toPublicArea(tpmKey.getPublic(), TpmAlg.SHA256);
        for (TpmAlg nameAlg : new TpmAlg[] {TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA1}) {
            String hash = switch (nameAlg) {
                case SHA1 -> "SHA-1";
                case SHA256 -> "SHA-256";
                default -> "SHA-384";
            };
            Salts.Salt salt = Salts.make(withNameAlg(sha256Key, nameAlg));
            assertEquals(nameAlg.digestSize().getAsInt(), salt.salt().length, nameAlg + " salt size");
            assertEquals(256, salt.encryptedSalt().length, "one RSA-2048 block");
            assertArrayEquals(salt.salt(), oaepDecrypt(tpmKey, hash, SECRET, salt.encryptedSalt()), nameAlg.toString());

            byte[] withoutZero = "SECRET".getBytes(StandardCharsets.US_ASCII);
            assertThrows(BadPaddingException.class, () -> oaepDecrypt(tpmKey, hash, withoutZero, salt.encryptedSalt()),
                    "the label's zero is part of the label");
            String other = nameAlg == TpmAlg.SHA1 ? "SHA-256" : "SHA-1";
            assertThrows(BadPaddingException.class, () -> oaepDecrypt(tpmKey, other, SECRET, salt.encryptedSalt()),
                    "OAEP hashes with the key's nameAlg");
        }
    }

    /**
     * ECC: the salt is KDFe(nameAlg, Z, "SECRET", QeU.x, QsV.x, digest bits), Z the x coordinate of the ECDH
     * point of the ephemeral key sent (QeU) and the TPM's key (QsV). The KDFe is written out here for its one
     * block: H(counter 1 || Z || "SECRET" || 0 || QeU.x || QsV.x).
     */
    @Test
    void anEccSaltIsKdfeOfTheEcdhSecretWithTheLabelSecret() throws Exception {
        record Case(String curve, TpmAlg nameAlg, String hash) {
        }
        for (Case c : new Case[] {new Case("secp256r1", TpmAlg.SHA256, "SHA-256"),
                new Case("secp384r1", TpmAlg.SHA384, "SHA-384"), new Case("secp256r1", TpmAlg.SHA1, "SHA-1")}) {
            KeyPair tpmKey = generate("EC", new ECGenParameterSpec(c.curve()));
            PublicArea area = withNameAlg(PublicKeys.toPublicArea(tpmKey.getPublic(), TpmAlg.SHA256), c.nameAlg());
            Salts.Salt salt = Salts.make(area);

            TpmReader point = new TpmReader(salt.encryptedSalt());
            byte[] x = point.tpm2b(PublicId.Ecc.MAX_COORDINATE_BYTES, "x");
            byte[] y = point.tpm2b(PublicId.Ecc.MAX_COORDINATE_BYTES, "y");
            point.expectEnd("TPMS_ECC_POINT");
            PublicKey ephemeral = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                    new ECPoint(new BigInteger(1, x), new BigInteger(1, y)), ((ECPublicKey) tpmKey.getPublic()).getParams()));
            KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
            ecdh.init(tpmKey.getPrivate());
            ecdh.doPhase(ephemeral, true);
            byte[] z = ecdh.generateSecret();

            MessageDigest kdfe = MessageDigest.getInstance(c.hash());
            kdfe.update(new byte[] {0, 0, 0, 1});
            kdfe.update(z);
            kdfe.update(SECRET);
            kdfe.update(x);
            kdfe.update(((PublicId.Ecc) area.unique()).x());
            assertArrayEquals(kdfe.digest(), salt.salt(), c.curve() + " with " + c.nameAlg());
        }
    }

    @Test
    void aKeyThatCannotCarryASaltIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Salts.make(Templates.hmacKey()));
        assertTrue(e.getMessage().contains("RSA or ECC"), e.getMessage());
    }
}
