package io.tpm4j.api.types;

/** TPM_HT: the handle type, the most significant byte of a handle; also the first handle of each range. */
public enum TpmHt {
    PCR(0x00),
    NV_INDEX(0x01),
    HMAC_SESSION(0x02),
    POLICY_SESSION(0x03),
    PERMANENT(0x40),
    TRANSIENT(0x80),
    PERSISTENT(0x81),
    AC(0x90);

    private final int value;

    TpmHt(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The lowest handle of this type, e.g. 0x80000000 for transient objects. */
    public int firstHandle() {
        return value << 24;
    }

    /** Whether {@code handle} is of this type. */
    public boolean contains(int handle) {
        return handle >>> 24 == value;
    }
}
