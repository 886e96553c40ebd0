package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_ClockSet (Part 3, section 29.2): advances the TPM's Clock (it never goes back), in milliseconds. */
public record ClockSet(int authHandle, Authorization auth, long newTime) implements TpmCommand<ClockSet.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.CLOCK_SET;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, auth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u64(newTime);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
