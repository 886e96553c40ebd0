package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmSu;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/** TPM2_Shutdown (Part 3, section 9.4): prepares the TPM for power loss; STATE keeps what Startup(STATE) resumes. */
public record Shutdown(TpmSu shutdownType) implements TpmCommand<Shutdown.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.SHUTDOWN;
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u16(shutdownType.value());
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
