package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/** TPM2_EC_Ephemeral (Part 3, section 19.3): an ephemeral point for two-phase key exchange, and its counter. */
public record EcEphemeral(int curveId) implements TpmCommand<EcEphemeral.Response> {

    public record Response(PublicId.Ecc q, int counter) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.EC_EPHEMERAL;
    }

    @Override
    public boolean firstResponseParameterSized() {
        return true;
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u16(curveId);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(EccPoints.readSized(in, "Q"), in.u16("counter"));
    }
}
