package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

/**
 * TPM2_ECDH_KeyGen (Part 3, section 14.4): the TPM makes an ephemeral key pair and returns the shared point
 * with the loaded public key ({@code zPoint}) and the ephemeral public point ({@code pubPoint}).
 */
public record EcdhKeyGen(int keyHandle) implements TpmCommand<EcdhKeyGen.Response> {

    public record Response(PublicId.Ecc zPoint, PublicId.Ecc pubPoint) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.ECDH_KEY_GEN).handle(keyHandle).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(EccPoints.readSized(in, "zPoint"), EccPoints.readSized(in, "pubPoint"));
    }
}
