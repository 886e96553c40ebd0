package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_HMAC (Part 3, section 15.5): the HMAC of up to TPM_PT_INPUT_BUFFER bytes with a loaded HMAC key; hashAlg NULL uses the key's scheme. */
public record Hmac(int handle, Authorization keyAuth, byte[] buffer, int hashAlg) implements TpmCommand<Hmac.Response> {

    public record Response(byte[] outHmac) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.HMAC;
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
        return List.of(CommandHandle.authorized(handle, keyAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(buffer).u16(hashAlg);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(64, "outHMAC"));
    }
}
