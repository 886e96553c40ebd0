package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_CreateLoaded (Part 3, section 12.9): creates an object and loads it in one command — a primary,
 * ordinary or derived object, by its parent.
 */
public record CreateLoaded(int parentHandle, Authorization parentAuth, SensitiveCreate inSensitive, PublicArea inPublic)
        implements TpmCommand<CreateLoaded.Response> {

    public record Response(int objectHandle, byte[] outPrivate, PublicArea outPublic, byte[] name) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.CREATE_LOADED;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public boolean firstResponseParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(parentHandle, parentAuth));
    }

    @Override
    public boolean returnsHandle() {
        return true;
    }

    @Override
    public void writeParameters(TpmWriter out) {
        inSensitive.writeSized(out);
        inPublic.writeSized(out); // TPM2B_TEMPLATE holds a TPMT_PUBLIC for primary and ordinary objects
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle, in.tpm2b(Create.MAX_PRIVATE, "outPrivate"), PublicArea.readSized(in),
                in.tpm2b(2 + 64, "name"));
    }
}
