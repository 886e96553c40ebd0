package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/** TPM2_RSA_Decrypt (Part 3, section 14.3): private-key decryption with a loaded RSA decryption key. */
public record RsaDecrypt(int keyHandle, Authorization keyAuth, byte[] cipherText, Scheme inScheme, byte[] label)
        implements TpmCommand<RsaDecrypt.Response> {

    public RsaDecrypt {
        cipherText = cipherText.clone();
        label = label.clone();
    }

    public record Response(byte[] message) {
        /** Never shows the plaintext. */
        @Override
        public String toString() {
            return "RsaDecrypt.Response[" + message.length + " bytes]";
        }
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.RSA_DECRYPT).authorized(keyHandle, keyAuth)
                .parameters(sized(cipherText), structure(inScheme::write), sized(label)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(PublicId.MAX_BYTES, "message"));
    }
}
