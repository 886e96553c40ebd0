package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_Clear (Part 3, section 24.6): removes everything in the owner and endorsement hierarchies and gives them new seeds; authorised by lockout or platform. */
public record Clear(int authHandle, Authorization auth) implements TpmCommand<Clear.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.CLEAR;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, auth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
