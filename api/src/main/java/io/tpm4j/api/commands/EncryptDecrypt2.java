package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.bool;
import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u16;

/**
 * TPM2_EncryptDecrypt2 (Part 3, section 15.3): symmetric encryption or decryption with a loaded symmetric key;
 * mode TPM_ALG_NULL uses the key's mode. Returns the IV to chain the next call with.
 */
public record EncryptDecrypt2(int keyHandle, Authorization keyAuth, byte[] inData, boolean decrypt, int mode, byte[] ivIn)
        implements TpmCommand<EncryptDecrypt2.Response> {

    /** TPM2B_MAX_BUFFER: MAX_DIGEST_BUFFER is 1024 on PC-client TPMs. */
    public static final int MAX_BUFFER = 1024;

    public EncryptDecrypt2 {
        inData = inData.clone();
        ivIn = ivIn.clone();
    }

    public record Response(byte[] outData, byte[] ivOut) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.ENCRYPT_DECRYPT_2).authorized(keyHandle, keyAuth)
                .parameters(sized(inData), bool(decrypt), u16(mode), sized(ivIn)).sizedResponse();
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response(in.tpm2b(MAX_BUFFER, "outData"), in.tpm2b(16, "ivOut"));
    }
}
