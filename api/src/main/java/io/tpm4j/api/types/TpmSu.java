package io.tpm4j.api.types;

/** TPM_SU: the kind of TPM2_Startup / TPM2_Shutdown. */
public enum TpmSu {
    /** TPM Reset or TPM Restart: fresh state. */
    CLEAR(0x0000),
    /** TPM Resume: restore the state saved by Shutdown(STATE). */
    STATE(0x0001);

    private final int value;

    TpmSu(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
