package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_ClearControl (Part 3, section 24.7): disables (or re-enables) TPM2_Clear. */
public record ClearControl(int authHandle, Authorization auth, boolean disable) implements TpmCommand<ClearControl.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.CLEAR_CONTROL;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, auth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u8(disable ? 1 : 0);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
