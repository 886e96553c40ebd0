package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_GetTime (Part 3, section 18.7): a signed statement of the TPM's time and clock, which reveals the
 * reset counts and so needs the endorsement (privacy administrator) authorisation too.
 */
public record GetTime(int privacyAdminHandle, Authorization privacyAdminAuth, int signHandle, Authorization signAuth,
                      byte[] qualifyingData, Scheme inScheme) implements TpmCommand<SignedAttest> {

    public GetTime {
        qualifyingData = qualifyingData.clone();
    }

    @Override
    public TpmCc code() {
        return TpmCc.GET_TIME;
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
        return List.of(CommandHandle.authorized(privacyAdminHandle, privacyAdminAuth),
                CommandHandle.authorized(signHandle, signAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(qualifyingData);
        inScheme.write(out);
    }

    @Override
    public SignedAttest readResponse(int responseHandle, TpmReader in) {
        return SignedAttest.read(in, "timeInfo");
    }
}
