package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_ChangePPS (Part 3, section 24.4): a new platform primary seed; platform authorisation. */
public record ChangePps(int authHandle, Authorization platformAuth) implements TpmCommand<ChangePps.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.CHANGE_PPS;
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
