package io.tpm4j.api.crypto;

import io.tpm4j.api.session.Kdf;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.TpmWriter;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * The outer wrapper of Part 1, "Protected Storage" (duplication, credentials): a seed shared with the TPM key that
 * will unwrap, KDFa(seed, "STORAGE", Name) keying the key's symmetric cipher (AES-CFB, zero IV) over the protected
 * data, and KDFa(seed, "INTEGRITY") keying an HMAC over the cipher text and the Name. What the TPM checks on
 * TPM2_Import and TPM2_ActivateCredential; a wrapper for another key or altered in any bit fails its HMAC there.
 */
public final class OuterWrapper {

    private static final byte[] NONE = new byte[0];

    private OuterWrapper() {
    }

    /**
     * The wrapped data and the encrypted seed.
     *
     * @param blob          TPM2B_DIGEST(outer HMAC) followed by the encrypted data: a duplicate or a credential blob
     * @param encryptedSeed the TPM2B_ENCRYPTED_SECRET's contents
     */
    public record Wrapped(byte[] blob, byte[] encryptedSeed) {
        public Wrapped {
            blob = blob.clone();
            encryptedSeed = encryptedSeed.clone();
        }

        @Override
        public byte[] blob() {
            return blob.clone();
        }

        @Override
        public byte[] encryptedSeed() {
            return encryptedSeed.clone();
        }
    }

    /**
     * Wraps {@code plain} for {@code key} (an RSA or ECC storage key or EK whose public area the caller checked), bound
     * to the object named {@code name}; {@code label} is what the seed is for ("DUPLICATE", "IDENTITY").
     *
     * @throws IllegalArgumentException when the key cannot take a wrapper: not RSA or ECC, or no AES-CFB cipher
     */
    public static Wrapped wrap(PublicArea key, String label, byte[] name, byte[] plain) {
        SymmetricDefinition symmetric = symmetricOf(key);
        SecretSharing.Shared seed = SecretSharing.share(key, label);
        TpmAlg nameAlg = key.nameAlg();
        byte[] symKey = Kdf.kdfa(nameAlg, seed.value(), "STORAGE", name, NONE, symmetric.keyBits());
        byte[] encrypted = aesCfb(symKey, plain, true);
        int digestBits = nameAlg.digestSize().orElseThrow() * 8;
        byte[] hmacKey = Kdf.kdfa(nameAlg, seed.value(), "INTEGRITY", NONE, NONE, digestBits);
        byte[] hmac = Kdf.hmac(nameAlg, hmacKey, new TpmWriter().bytes(encrypted).bytes(name).toByteArray());
        return new Wrapped(new TpmWriter().tpm2b(hmac).bytes(encrypted).toByteArray(), seed.encrypted());
    }

    /**
     * The AES-CFB cipher of an RSA or ECC key that protects others.
     *
     * @throws IllegalArgumentException for another type or cipher
     */
    public static SymmetricDefinition symmetricOf(PublicArea key) {
        SymmetricDefinition symmetric = switch (key.parameters()) {
            case PublicParameters.Rsa rsa -> rsa.symmetric();
            case PublicParameters.Ecc ecc -> ecc.symmetric();
            default -> throw new IllegalArgumentException("only an RSA or ECC key can unwrap, not a " + key.type());
        };
        if (!isAesCfb(symmetric)) {
            throw new IllegalArgumentException("its symmetric cipher " + TpmAlg.describe(symmetric.algorithm()) + "-"
                    + symmetric.keyBits() + "-" + TpmAlg.describe(symmetric.mode()) + " is not AES-CFB");
        }
        return symmetric;
    }

    /** AES in CFB mode with 128, 192 or 256-bit keys: what every TPM implements for protection. */
    public static boolean isAesCfb(SymmetricDefinition symmetric) {
        return symmetric.algorithm() == TpmAlg.AES.value() && symmetric.mode() == TpmAlg.CFB.value()
                && (symmetric.keyBits() == 128 || symmetric.keyBits() == 192 || symmetric.keyBits() == 256);
    }

    /** AES-CFB with a zero IV, as protection uses it: each key serves one wrapper only. */
    public static byte[] aesCfb(byte[] key, byte[] data, boolean encrypt) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CFB/NoPadding");
            cipher.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new IvParameterSpec(new byte[16]));
            return cipher.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot do AES/CFB: " + e.getMessage(), e);
        }
    }
}
