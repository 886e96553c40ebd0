package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.sized;

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
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.MAKE_CREDENTIAL).handle(handle)
                .parameters(sized(credential), sized(objectName)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(in.remaining(), "credentialBlob"), in.tpm2b(in.remaining(), "secret"));
    }
}
