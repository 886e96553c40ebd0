package io.tpm4j.api.commands;

import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/** TPM2_ContextLoad (Part 3, section 28.3): loads a saved context; objects may get a new handle. */
public record ContextLoad(SavedContext context) implements TpmCommand<ContextLoad.Response> {

    public record Response(int loadedHandle) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.CONTEXT_LOAD;
    }

    @Override
    public boolean returnsHandle() {
        return true;
    }

    @Override
    public void writeParameters(TpmWriter out) {
        context.write(out);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle);
    }
}
