package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_ECDH_KeyGen (Part 3, section 14.4): the TPM makes an ephemeral key pair and returns the shared point
 * with the loaded public key ({@code zPoint}) and the ephemeral public point ({@code pubPoint}).
 */
public record EcdhKeyGen(int keyHandle) implements TpmCommand<EcdhKeyGen.Response> {

    public record Response(PublicId.Ecc zPoint, PublicId.Ecc pubPoint) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.ECDH_KEY_GEN;
    }

    @Override
    public boolean firstResponseParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.of(keyHandle));
    }

    @Override
    public void writeParameters(TpmWriter out) {
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(EccPoints.readSized(in, "zPoint"), EccPoints.readSized(in, "pubPoint"));
    }
}
