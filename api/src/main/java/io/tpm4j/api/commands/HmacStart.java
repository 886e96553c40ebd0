package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u16;

/** TPM2_HMAC_Start (Part 3, section 17.2): starts an HMAC sequence with a loaded HMAC key; {@code auth} authorises its updates. */
public record HmacStart(int handle, Authorization keyAuth, byte[] auth, int hashAlg) implements TpmCommand<HmacStart.Response> {

    public record Response(int sequenceHandle) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.HMAC_START).authorized(handle, keyAuth)
                .parameters(sized(auth), u16(hashAlg)).returningHandle();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(responseHandle);
    }
}
