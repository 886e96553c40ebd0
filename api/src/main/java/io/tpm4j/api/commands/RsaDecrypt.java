package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

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
    public TpmCc code() {
        return TpmCc.RSA_DECRYPT;
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
        out.tpm2b(cipherText);
        inScheme.write(out);
        out.tpm2b(label);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(PublicId.MAX_BYTES, "message"));
    }
}
