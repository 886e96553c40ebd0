package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u16;

/**
 * TPM2_ZGen_2Phase (Part 3, section 14.7): the TPM's half of a two-phase key exchange (ECDH, ECMQV or SM2)
 * with its static key {@code keyA} and the ephemeral key of TPM2_EC_Ephemeral's {@code counter}, against the
 * other party's static {@code inQsB} and ephemeral {@code inQeB}.
 */
public record ZGen2Phase(int keyA, Authorization keyAuth, PublicId.Ecc inQsB, PublicId.Ecc inQeB, int inScheme,
                         int counter) implements TpmCommand<ZGen2Phase.Response> {

    public record Response(PublicId.Ecc outZ1, PublicId.Ecc outZ2) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.ZGEN_2PHASE).authorized(keyA, keyAuth)
                .parameters(sized(inQsB), sized(inQeB), u16(inScheme), u16(counter)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(EccPoints.readSized(in, "outZ1"), EccPoints.readSized(in, "outZ2"));
    }
}
