package io.tpm4j.api.types;

/** TPM_RH: the permanent handles of hierarchies and other reserved entities. */
public final class TpmRh {

    public static final int OWNER = 0x40000001;
    public static final int NULL = 0x40000007;
    public static final int LOCKOUT = 0x4000000A;
    public static final int ENDORSEMENT = 0x4000000B;
    public static final int PLATFORM = 0x4000000C;

    private TpmRh() {
    }
}
