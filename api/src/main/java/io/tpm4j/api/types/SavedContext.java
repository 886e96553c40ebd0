package io.tpm4j.api.types;

import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.Arrays;

/** TPMS_CONTEXT: a saved object or session, which TPM2_ContextLoad brings back. */
public record SavedContext(long sequence, int savedHandle, int hierarchy, byte[] contextBlob) {

    /** MAX_CONTEXT_SIZE is TPM-specific; no TPM has anywhere near this much. */
    public static final int MAX_BLOB = 5120;

    public SavedContext {
        contextBlob = contextBlob.clone();
    }

    @Override
    public byte[] contextBlob() {
        return contextBlob.clone();
    }

    public void write(TpmWriter out) {
        out.u64(sequence).u32(savedHandle).u32(hierarchy).tpm2b(contextBlob);
    }

    public static SavedContext read(TpmReader in) {
        return new SavedContext(in.u64("TPMS_CONTEXT.sequence"), in.u32("TPMS_CONTEXT.savedHandle"),
                in.u32("TPMS_CONTEXT.hierarchy"), in.tpm2b(MAX_BLOB, "TPMS_CONTEXT.contextBlob"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SavedContext c && sequence == c.sequence && savedHandle == c.savedHandle
                && hierarchy == c.hierarchy && Arrays.equals(contextBlob, c.contextBlob);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + savedHandle;
    }

    @Override
    public String toString() {
        return String.format("SavedContext[0x%08x, sequence %d, %d bytes]", savedHandle, sequence, contextBlob.length);
    }
}
