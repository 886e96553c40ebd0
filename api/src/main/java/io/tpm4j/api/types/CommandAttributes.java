package io.tpm4j.api.types;

/** TPMA_CC: what the TPM says about one command it implements (used by resource managers to parse commands). */
public record CommandAttributes(int raw) {

    /** The command index (the low 16 bits of its TPM_CC). */
    public int commandIndex() {
        return raw & 0xFFFF;
    }

    /** Whether the command may write NV memory. */
    public boolean nv() {
        return (raw & (1 << 22)) != 0;
    }

    /** Whether the command may flush many objects (and so invalidate context). */
    public boolean extensive() {
        return (raw & (1 << 23)) != 0;
    }

    /** Whether the context of the first handle is flushed when the command completes. */
    public boolean flushed() {
        return (raw & (1 << 24)) != 0;
    }

    /** How many handles the command carries in its handle area. */
    public int commandHandles() {
        return (raw >>> 25) & 0x7;
    }

    /** Whether the response carries a handle. */
    public boolean responseHandle() {
        return (raw & (1 << 28)) != 0;
    }

    /** Whether the command is vendor-specific. */
    public boolean vendor() {
        return (raw & (1 << 29)) != 0;
    }

    /** The full TPM_CC this attribute word describes. */
    public int commandCode() {
        return (vendor() ? 0x20000000 : 0) | commandIndex();
    }

    @Override
    public String toString() {
        return TpmCc.describe(commandCode());
    }
}
