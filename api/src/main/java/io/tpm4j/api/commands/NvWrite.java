package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u16;

/**
 * TPM2_NV_Write (Part 3, section 31.7): writes {@code data} at {@code offset}; at most TPM_PT_NV_BUFFER_MAX
 * bytes per call. {@code authHandle} is the index itself or its hierarchy, as the index's attributes allow.
 */
public record NvWrite(int authHandle, Authorization auth, int nvIndex, byte[] data, int offset)
        implements NoResponseCommand {

    public NvWrite {
        data = data.clone();
        if (offset < 0 || offset > 0xFFFF) {
            throw new IllegalArgumentException("offset must be 0..65535, not " + offset);
        }
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_WRITE).authorized(authHandle, auth).handle(nvIndex)
                .parameters(sized(data), u16(offset));
    }

    /** Never shows the data, which may be secret. */
    @Override
    public String toString() {
        return String.format("NvWrite[0x%08x, %d bytes at %d]", nvIndex, data.length, offset);
    }
}
