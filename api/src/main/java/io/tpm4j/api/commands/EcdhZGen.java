package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;

/** TPM2_ECDH_ZGen (Part 3, section 14.5): the shared point of a loaded ECDH key's private part and {@code inPoint}. */
public record EcdhZGen(int keyHandle, Authorization keyAuth, PublicId.Ecc inPoint) implements TpmCommand<EcdhZGen.Response> {

    public record Response(PublicId.Ecc outPoint) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.ECDH_ZGEN).authorized(keyHandle, keyAuth)
                .parameters(sized(inPoint)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(EccPoints.readSized(in, "outPoint"));
    }
}
