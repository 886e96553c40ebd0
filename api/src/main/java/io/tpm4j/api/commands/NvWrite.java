package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_NV_Write (Part 3, section 31.7): writes {@code data} at {@code offset}; at most TPM_PT_NV_BUFFER_MAX
 * bytes per call. {@code authHandle} is the index itself or its hierarchy, as the index's attributes allow.
 */
public record NvWrite(int authHandle, Authorization auth, int nvIndex, byte[] data, int offset)
        implements TpmCommand<NvWrite.Response> {

    public NvWrite {
        data = data.clone();
        if (offset < 0 || offset > 0xFFFF) {
            throw new IllegalArgumentException("offset must be 0..65535, not " + offset);
        }
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.NV_WRITE;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, auth), CommandHandle.of(nvIndex));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(data).u16(offset);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }

    /** Never shows the data, which may be secret. */
    @Override
    public String toString() {
        return String.format("NvWrite[0x%08x, %d bytes at %d]", nvIndex, data.length, offset);
    }
}
