package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/**
 * TPM2_FlushContext (Part 3, section 28.4): removes a loaded object or session from the TPM. Its handle is a
 * parameter, not in the handle area, so it needs no authorisation.
 */
public record FlushContext(int flushHandle) implements TpmCommand<FlushContext.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.FLUSH_CONTEXT;
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u32(flushHandle);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
