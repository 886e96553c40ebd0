package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_ECDH_ZGen (Part 3, section 14.5): the shared point of a loaded ECDH key's private part and {@code inPoint}. */
public record EcdhZGen(int keyHandle, Authorization keyAuth, PublicId.Ecc inPoint) implements TpmCommand<EcdhZGen.Response> {

    public record Response(PublicId.Ecc outPoint) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.ECDH_ZGEN;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public boolean firstResponseParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(keyHandle, keyAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        EccPoints.writeSized(out, inPoint);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(EccPoints.readSized(in, "outPoint"));
    }
}
