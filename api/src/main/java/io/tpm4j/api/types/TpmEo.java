package io.tpm4j.api.types;

/** TPM_EO (Part 2, section 6.8): how TPM2_PolicyNV and TPM2_PolicyCounterTimer compare operand A with B. */
public enum TpmEo {
    EQ(0x0000),
    NEQ(0x0001),
    SIGNED_GT(0x0002),
    UNSIGNED_GT(0x0003),
    SIGNED_LT(0x0004),
    UNSIGNED_LT(0x0005),
    SIGNED_GE(0x0006),
    UNSIGNED_GE(0x0007),
    SIGNED_LE(0x0008),
    UNSIGNED_LE(0x0009),
    BITSET(0x000A),
    BITCLEAR(0x000B);

    private final int value;

    TpmEo(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
