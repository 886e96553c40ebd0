package io.tpm4j.api.types;

import io.tpm4j.api.wire.TpmWriter;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** TPM Names (Part 1, "Names"): nameAlg followed by the nameAlg digest of an entity's marshalled public area. */
public final class Names {

    private Names() {
    }

    /** The Name of an entity whose public area marshals to {@code publicArea}. */
    public static byte[] of(TpmAlg nameAlg, byte[] publicArea) {
        byte[] digest = digest(nameAlg).digest(publicArea);
        return new TpmWriter(2 + digest.length).u16(nameAlg.value()).bytes(digest).toByteArray();
    }

    /** A fresh JCA digest for a TPM hash algorithm. */
    public static MessageDigest digest(TpmAlg hashAlg) {
        String jca = switch (hashAlg) {
            case SHA1 -> "SHA-1";
            case SHA256 -> "SHA-256";
            case SHA384 -> "SHA-384";
            case SHA512 -> "SHA-512";
            case SHA3_256 -> "SHA3-256";
            case SHA3_384 -> "SHA3-384";
            case SHA3_512 -> "SHA3-512";
            default -> throw new IllegalArgumentException("no Java digest for " + hashAlg);
        };
        try {
            return MessageDigest.getInstance(jca);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no " + jca, e);
        }
    }
}
