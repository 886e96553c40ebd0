package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_ChangeEPS (Part 3, section 24.5): a new endorsement primary seed, so new EKs; platform authorisation. */
public record ChangeEps(int authHandle, Authorization platformAuth) implements TpmCommand<ChangeEps.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.CHANGE_EPS;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, platformAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
