package io.tpm4j.api.types;

/** TPMA_NV: the attributes of an NV index, with its named bits and the TPM_NT index type in bits 4-7. */
public record NvAttributes(int raw) {

    public static final int PPWRITE = 1;
    public static final int OWNERWRITE = 1 << 1;
    public static final int AUTHWRITE = 1 << 2;
    public static final int POLICYWRITE = 1 << 3;
    public static final int POLICY_DELETE = 1 << 10;
    public static final int WRITELOCKED = 1 << 11;
    public static final int WRITEALL = 1 << 12;
    public static final int WRITEDEFINE = 1 << 13;
    public static final int WRITE_STCLEAR = 1 << 14;
    public static final int GLOBALLOCK = 1 << 15;
    public static final int PPREAD = 1 << 16;
    public static final int OWNERREAD = 1 << 17;
    public static final int AUTHREAD = 1 << 18;
    public static final int POLICYREAD = 1 << 19;
    public static final int NO_DA = 1 << 25;
    public static final int ORDERLY = 1 << 26;
    public static final int CLEAR_STCLEAR = 1 << 27;
    public static final int READLOCKED = 1 << 28;
    public static final int WRITTEN = 1 << 29;
    public static final int PLATFORMCREATE = 1 << 30;
    public static final int READ_STCLEAR = 1 << 31;

    /** TPM_NT: what kind of data an index holds. */
    public enum Type {
        ORDINARY(0), COUNTER(1), BITS(2), EXTEND(4), PIN_FAIL(8), PIN_PASS(9);

        private final int value;

        Type(int value) {
            this.value = value;
        }

        public int value() {
            return value;
        }
    }

    /** The attributes of an index of {@code type} with all of {@code bits} set. */
    public static NvAttributes of(Type type, int... bits) {
        int raw = type.value << 4;
        for (int bit : bits) {
            raw |= bit;
        }
        return new NvAttributes(raw);
    }

    /** The TPM_NT value in bits 4-7. */
    public int type() {
        return (raw >>> 4) & 0xF;
    }

    public boolean has(int bits) {
        return (raw & bits) == bits;
    }

    @Override
    public String toString() {
        return String.format("NvAttributes[0x%08x, type %d]", raw, type());
    }
}
