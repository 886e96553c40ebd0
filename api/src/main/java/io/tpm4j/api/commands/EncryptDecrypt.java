package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

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
    public TpmCc code() {
        return TpmCc.ENCRYPT_DECRYPT;
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
        out.u8(decrypt ? 1 : 0).u16(mode).tpm2b(ivIn).tpm2b(inData);
    }

    @Override
    public EncryptDecrypt2.Response readResponse(int responseHandle, TpmReader in) {
        return new EncryptDecrypt2.Response(in.tpm2b(EncryptDecrypt2.MAX_BUFFER, "outData"), in.tpm2b(16, "ivOut"));
    }
}
