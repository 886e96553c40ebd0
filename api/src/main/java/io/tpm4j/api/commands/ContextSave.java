package io.tpm4j.api.commands;

import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_ContextSave (Part 3, section 28.2): saves a loaded object or session; a saved session leaves the TPM. */
public record ContextSave(int saveHandle) implements TpmCommand<ContextSave.Response> {

    public record Response(SavedContext context) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.CONTEXT_SAVE;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.of(saveHandle));
    }

    @Override
    public void writeParameters(TpmWriter out) {
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(SavedContext.read(in));
    }
}
