package io.tpm4j.api.types;

/** TPMA_SESSION: the attributes of a session in an authorisation area, with its named bits. */
public record SessionAttributes(int raw) {

    public static final int CONTINUE_SESSION = 1;
    public static final int AUDIT_EXCLUSIVE = 1 << 1;
    public static final int AUDIT_RESET = 1 << 2;
    public static final int DECRYPT = 1 << 5;
    public static final int ENCRYPT = 1 << 6;
    public static final int AUDIT = 1 << 7;

    private static final String[] NAMES = {"continueSession", "auditExclusive", "auditReset", null, null, "decrypt",
            "encrypt", "audit"};

    public SessionAttributes {
        if ((raw & ~0xFF) != 0) {
            throw new IllegalArgumentException("TPMA_SESSION is one byte, not 0x" + Integer.toHexString(raw));
        }
    }

    /** The attributes with all of {@code bits} set. */
    public static SessionAttributes of(int... bits) {
        int raw = 0;
        for (int bit : bits) {
            raw |= bit;
        }
        return new SessionAttributes(raw);
    }

    public boolean has(int bits) {
        return (raw & bits) == bits;
    }

    @Override
    public String toString() {
        return BitNames.describe(raw, NAMES);
    }
}
