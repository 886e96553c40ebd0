package io.tpm4j.api.commands;

import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

/** TPM2_NV_ReadPublic (Part 3, section 31.6): an index's public area and Name. */
public record NvReadPublic(int nvIndex) implements TpmCommand<NvReadPublic.Response> {

    public record Response(NvPublic nvPublic, byte[] nvName) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_READ_PUBLIC).handle(nvIndex).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(NvPublic.readSized(in), in.tpm2b(2 + 64, "nvName"));
    }
}
