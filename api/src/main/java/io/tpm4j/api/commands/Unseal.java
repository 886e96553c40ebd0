package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

/** TPM2_Unseal (Part 3, section 12.7): the data of a loaded sealed data object (a keyed-hash object without sign or decrypt). Send it with an encrypting session once sessions exist: the data comes back in clear otherwise. */
public record Unseal(int itemHandle, Authorization itemAuth) implements TpmCommand<Unseal.Response> {

    public record Response(byte[] outData) {
        /** Never shows the unsealed data. */
        @Override
        public String toString() {
            return "Unseal.Response[" + outData.length + " bytes]";
        }
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.UNSEAL).authorized(itemHandle, itemAuth).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(128, "outData"));
    }
}
