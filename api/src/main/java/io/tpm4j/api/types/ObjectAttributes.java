package io.tpm4j.api.types;

/** TPMA_OBJECT: the attributes of a TPM object, with its named bits. */
public record ObjectAttributes(int raw) {

    public static final int FIXED_TPM = 1 << 1;
    public static final int ST_CLEAR = 1 << 2;
    public static final int FIXED_PARENT = 1 << 4;
    public static final int SENSITIVE_DATA_ORIGIN = 1 << 5;
    public static final int USER_WITH_AUTH = 1 << 6;
    public static final int ADMIN_WITH_POLICY = 1 << 7;
    public static final int FIRMWARE_LIMITED = 1 << 8;
    public static final int SVN_LIMITED = 1 << 9;
    public static final int NO_DA = 1 << 10;
    public static final int ENCRYPTED_DUPLICATION = 1 << 11;
    public static final int RESTRICTED = 1 << 16;
    public static final int DECRYPT = 1 << 17;
    public static final int SIGN_ENCRYPT = 1 << 18;
    public static final int X509_SIGN = 1 << 19;

    private static final String[] NAMES = new String[32];

    static {
        NAMES[1] = "fixedTPM";
        NAMES[2] = "stClear";
        NAMES[4] = "fixedParent";
        NAMES[5] = "sensitiveDataOrigin";
        NAMES[6] = "userWithAuth";
        NAMES[7] = "adminWithPolicy";
        NAMES[8] = "firmwareLimited";
        NAMES[9] = "svnLimited";
        NAMES[10] = "noDA";
        NAMES[11] = "encryptedDuplication";
        NAMES[16] = "restricted";
        NAMES[17] = "decrypt";
        NAMES[18] = "sign";
        NAMES[19] = "x509sign";
    }

    /** The attributes with all of {@code bits} set. */
    public static ObjectAttributes of(int... bits) {
        int raw = 0;
        for (int bit : bits) {
            raw |= bit;
        }
        return new ObjectAttributes(raw);
    }

    public boolean has(int bits) {
        return (raw & bits) == bits;
    }

    @Override
    public String toString() {
        return BitNames.describe(raw, NAMES);
    }
}
