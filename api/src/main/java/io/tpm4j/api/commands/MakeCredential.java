package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_MakeCredential (Part 3, section 12.6): wraps {@code credential} so that only the TPM holding the loaded
 * key's private part (an EK) can recover it, and only for the object named {@code objectName} (an AK).
 */
public record MakeCredential(int handle, byte[] credential, byte[] objectName) implements TpmCommand<MakeCredential.Response> {

    public MakeCredential {
        credential = credential.clone();
        objectName = objectName.clone();
    }

    public record Response(byte[] credentialBlob, byte[] secret) {
    }

    @Override
    public TpmCc code() {
        return TpmCc.MAKE_CREDENTIAL;
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
        return List.of(CommandHandle.of(handle));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(credential).tpm2b(objectName);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(in.remaining(), "credentialBlob"), in.tpm2b(in.remaining(), "secret"));
    }
}
