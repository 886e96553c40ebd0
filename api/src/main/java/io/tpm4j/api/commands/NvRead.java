package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.u16;

/** TPM2_NV_Read (Part 3, section 31.13): {@code size} bytes at {@code offset}; at most TPM_PT_NV_BUFFER_MAX per call. */
public record NvRead(int authHandle, Authorization auth, int nvIndex, int size, int offset)
        implements TpmCommand<NvRead.Response> {

    public NvRead {
        if (size < 0 || size > 0xFFFF || offset < 0 || offset > 0xFFFF) {
            throw new IllegalArgumentException("size and offset must be 0..65535: " + size + ", " + offset);
        }
    }

    public record Response(byte[] data) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_READ).authorized(authHandle, auth).handle(nvIndex)
                .parameters(u16(size), u16(offset)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(size, "data"));
    }
}
