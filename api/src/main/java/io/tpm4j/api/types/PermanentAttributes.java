package io.tpm4j.api.types;

/** TPMA_PERMANENT (the TPM_PT_PERMANENT property): state that survives TPM2_Startup, with its named bits. */
public record PermanentAttributes(int raw) {

    public static final int OWNER_AUTH_SET = 1;
    public static final int ENDORSEMENT_AUTH_SET = 1 << 1;
    public static final int LOCKOUT_AUTH_SET = 1 << 2;
    public static final int DISABLE_CLEAR = 1 << 8;
    public static final int IN_LOCKOUT = 1 << 9;
    public static final int TPM_GENERATED_EPS = 1 << 10;

    private static final String[] NAMES = {"ownerAuthSet", "endorsementAuthSet", "lockoutAuthSet", null, null, null,
            null, null, "disableClear", "inLockout", "tpmGeneratedEPS"};

    public boolean has(int bits) {
        return (raw & bits) == bits;
    }

    @Override
    public String toString() {
        return BitNames.describe(raw, NAMES);
    }
}
