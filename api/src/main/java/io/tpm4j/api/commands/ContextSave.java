package io.tpm4j.api.commands;

import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

/** TPM2_ContextSave (Part 3, section 28.2): saves a loaded object or session; a saved session leaves the TPM. */
public record ContextSave(int saveHandle) implements TpmCommand<ContextSave.Response> {

    public record Response(SavedContext context) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.CONTEXT_SAVE).handle(saveHandle);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(SavedContext.read(in));
    }
}
