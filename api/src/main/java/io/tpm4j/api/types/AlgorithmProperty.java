package io.tpm4j.api.types;

/** TPMS_ALG_PROPERTY: an algorithm and its TPMA_ALGORITHM attributes. */
public record AlgorithmProperty(int alg, int attributes) {

    public static final int ASYMMETRIC = 1;
    public static final int SYMMETRIC = 1 << 1;
    public static final int HASH = 1 << 2;
    public static final int OBJECT = 1 << 3;
    public static final int SIGNING = 1 << 8;
    public static final int ENCRYPTING = 1 << 9;
    public static final int METHOD = 1 << 10;

    public boolean has(int attribute) {
        return (attributes & attribute) == attribute;
    }

    @Override
    public String toString() {
        return TpmAlg.describe(alg);
    }
}
