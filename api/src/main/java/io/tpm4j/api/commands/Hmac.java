package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u16;

/** TPM2_HMAC (Part 3, section 15.5): the HMAC of up to TPM_PT_INPUT_BUFFER bytes with a loaded HMAC key; hashAlg NULL uses the key's scheme. */
public record Hmac(int handle, Authorization keyAuth, byte[] buffer, int hashAlg) implements TpmCommand<Hmac.Response> {

    public record Response(byte[] outHmac) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.HMAC).authorized(handle, keyAuth)
                .parameters(sized(buffer), u16(hashAlg)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(64, "outHMAC"));
    }
}
