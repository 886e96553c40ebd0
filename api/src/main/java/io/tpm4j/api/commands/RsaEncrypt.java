package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

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
    public TpmCc code() {
        return TpmCc.RSA_ENCRYPT;
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
        return List.of(CommandHandle.of(keyHandle));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(message);
        inScheme.write(out);
        out.tpm2b(label);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(PublicId.MAX_BYTES, "outData"));
    }
}
