package io.tpm4j.api.keys;

import io.tpm4j.api.crypto.OuterWrapper;
import io.tpm4j.api.types.SymmetricDefinition;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * The optional inner wrapper of a duplicate (Part 1, "Inner Duplication Wrapper"): the sensitive area, after an
 * integrity digest H_nameAlg(sensitive || Name), encrypted with a key of the caller's (TPM2_Import's encryptionKey)
 * in AES-CFB. With it the blob needs that key as well as the parent's private key; objects with encryptedDuplication
 * set require it.
 */
public record InnerWrapper(SymmetricDefinition symmetricAlg, byte[] encryptionKey) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public InnerWrapper {
        Objects.requireNonNull(symmetricAlg, "symmetricAlg");
        if (!OuterWrapper.isAesCfb(symmetricAlg)) {
            throw new IllegalArgumentException("an inner wrapper needs AES-CFB, not " + symmetricAlg);
        }
        if (encryptionKey.length * 8 != symmetricAlg.keyBits()) {
            throw new IllegalArgumentException("an inner wrapper key of " + encryptionKey.length * 8 + " bits for "
                    + symmetricAlg.keyBits() + "-bit AES");
        }
        encryptionKey = encryptionKey.clone();
    }

    /** AES-128-CFB with a fresh random key. */
    public static InnerWrapper aes128Cfb() {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        return new InnerWrapper(SymmetricDefinition.AES_128_CFB, key);
    }

    @Override
    public byte[] encryptionKey() {
        return encryptionKey.clone();
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "InnerWrapper[" + symmetricAlg + "]";
    }
}
