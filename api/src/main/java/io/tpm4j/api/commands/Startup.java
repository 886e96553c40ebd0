package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmSu;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/** TPM2_Startup (Part 3, section 9.3): the first command after TPM initialisation. */
public record Startup(TpmSu startupType) implements TpmCommand<Startup.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.STARTUP;
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u16(startupType.value());
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
