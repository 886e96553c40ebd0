package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/** TPM2_TestParms (Part 3, section 30.3): asks whether the TPM supports these algorithm parameters (TPMT_PUBLIC_PARMS). */
public record TestParms(PublicParameters parameters) implements TpmCommand<TestParms.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.TEST_PARMS;
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u16(parameters.type().value());
        parameters.write(out);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
