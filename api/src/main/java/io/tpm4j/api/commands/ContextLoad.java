package io.tpm4j.api.commands;

import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.structure;

/** TPM2_ContextLoad (Part 3, section 28.3): loads a saved context; objects may get a new handle. */
public record ContextLoad(SavedContext context) implements TpmCommand<ContextLoad.Response> {

    public record Response(int loadedHandle) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.CONTEXT_LOAD).parameters(structure(context::write)).returningHandle();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle);
    }
}
