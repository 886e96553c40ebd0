package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.u16;

/** TPM2_EC_Ephemeral (Part 3, section 19.3): an ephemeral point for two-phase key exchange, and its counter. */
public record EcEphemeral(int curveId) implements TpmCommand<EcEphemeral.Response> {

    public record Response(PublicId.Ecc q, int counter) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.EC_EPHEMERAL).parameters(u16(curveId)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(EccPoints.readSized(in, "Q"), in.u16("counter"));
    }
}
