package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/** TPM2_StirRandom (Part 3, section 16.2): adds up to 128 bytes of entropy to the TPM's RNG state. */
public record StirRandom(byte[] inData) implements TpmCommand<StirRandom.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.STIR_RANDOM;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(inData);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
