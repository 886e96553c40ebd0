package io.tpm4j.api.types;

/** TPMA_STARTUP_CLEAR (the TPM_PT_STARTUP_CLEAR property): the hierarchies enabled since TPM2_Startup. */
public record StartupClearAttributes(int raw) {

    public static final int PH_ENABLE = 1;
    public static final int SH_ENABLE = 1 << 1;
    public static final int EH_ENABLE = 1 << 2;
    public static final int PH_ENABLE_NV = 1 << 3;
    public static final int ORDERLY = 1 << 31;

    private static final String[] NAMES = new String[32];

    static {
        NAMES[0] = "phEnable";
        NAMES[1] = "shEnable";
        NAMES[2] = "ehEnable";
        NAMES[3] = "phEnableNV";
        NAMES[31] = "orderly";
    }

    public boolean has(int bits) {
        return (raw & bits) == bits;
    }

    @Override
    public String toString() {
        return BitNames.describe(raw, NAMES);
    }
}
