package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/** TPM2_RSA_Encrypt (Part 3, section 14.2): public-key encryption with a loaded RSA key; no authorisation needed. */
public record RsaEncrypt(int keyHandle, byte[] message, Scheme inScheme, byte[] label)
        implements TpmCommand<RsaEncrypt.Response> {

    public RsaEncrypt {
        message = message.clone();
        label = label.clone();
    }

    public record Response(byte[] outData) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.RSA_ENCRYPT).handle(keyHandle)
                .parameters(sized(message), structure(inScheme::write), sized(label)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(PublicId.MAX_BYTES, "outData"));
    }
}
