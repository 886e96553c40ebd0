package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import static io.tpm4j.api.commands.Parameter.bool;
import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.u16;

/**
 * TPM2_EncryptDecrypt (Part 3, section 15.2): the original symmetric command, with the data last so it cannot
 * be parameter-encrypted; prefer {@link EncryptDecrypt2}.
 */
public record EncryptDecrypt(int keyHandle, Authorization keyAuth, boolean decrypt, int mode, byte[] ivIn, byte[] inData)
        implements TpmCommand<EncryptDecrypt2.Response> {

    public EncryptDecrypt {
        ivIn = ivIn.clone();
        inData = inData.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.ENCRYPT_DECRYPT).authorized(keyHandle, keyAuth)
                .parameters(bool(decrypt), u16(mode), sized(ivIn), sized(inData)).sizedResponse();
    }

    @Override
    public EncryptDecrypt2.Response readResponse(int responseHandle, TpmReader in) {
        return new EncryptDecrypt2.Response(in.tpm2b(EncryptDecrypt2.MAX_BUFFER, "outData"), in.tpm2b(16, "ivOut"));
    }
}
