package io.tpm4j.api.types;

import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.Arrays;

/** TPMU_PUBLIC_ID: the unique identifier of a public area (the public key, or a digest), keyed by its type. */
public sealed interface PublicId {

    /** The largest unique field: a 4096-bit RSA modulus (MAX_RSA_KEY_BYTES is 512). */
    int MAX_BYTES = 512;

    void write(TpmWriter out);

    /** TPM2B_PUBLIC_KEY_RSA: the modulus (or zeros of its length in a template). */
    record Rsa(byte[] modulus) implements PublicId {
        public Rsa {
            modulus = modulus.clone();
        }

        @Override
        public byte[] modulus() {
            return modulus.clone();
        }

        public void write(TpmWriter out) {
            out.tpm2b(modulus);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Rsa r && Arrays.equals(modulus, r.modulus);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(modulus);
        }
    }

    /** TPMS_ECC_POINT: x and y. */
    record Ecc(byte[] x, byte[] y) implements PublicId {
        /**
         * The longest coordinate (and curve parameter) a TPM may return: 80 bytes, for BN P-638, which TPMs such as
         * libtpms implement (MAX_ECC_KEY_BYTES follows the largest curve a TPM has, not P-521's 66).
         */
        public static final int MAX_COORDINATE_BYTES = 80;

        public Ecc {
            x = x.clone();
            y = y.clone();
        }

        @Override
        public byte[] x() {
            return x.clone();
        }

        @Override
        public byte[] y() {
            return y.clone();
        }

        public void write(TpmWriter out) {
            out.tpm2b(x).tpm2b(y);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ecc e && Arrays.equals(x, e.x) && Arrays.equals(y, e.y);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(x) + Arrays.hashCode(y);
        }
    }

    /** TPM2B_DIGEST: the unique field of keyed-hash and symmetric objects. */
    record Digest(byte[] value) implements PublicId {
        public Digest {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        public void write(TpmWriter out) {
            out.tpm2b(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Digest d && Arrays.equals(value, d.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }
    }

    static PublicId read(TpmAlg type, TpmReader in) {
        return switch (type) {
            case RSA -> new Rsa(in.tpm2b(MAX_BYTES, "TPM2B_PUBLIC_KEY_RSA"));
            case ECC -> new Ecc(in.tpm2b(MAX_BYTES, "TPMS_ECC_POINT.x"), in.tpm2b(MAX_BYTES, "TPMS_ECC_POINT.y"));
            default -> new Digest(in.tpm2b(64, "TPMU_PUBLIC_ID digest"));
        };
    }
}
