package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_Certify (Part 3, section 18.2): a signing key vouches that an object with a given Name is loaded in this TPM. */
public record Certify(int objectHandle, Authorization objectAuth, int signHandle, Authorization signAuth,
                      byte[] qualifyingData, Scheme inScheme) implements TpmCommand<SignedAttest> {

    public Certify {
        qualifyingData = qualifyingData.clone();
    }

    @Override
    public TpmCc code() {
        return TpmCc.CERTIFY;
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
        return List.of(CommandHandle.authorized(objectHandle, objectAuth), CommandHandle.authorized(signHandle, signAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(qualifyingData);
        inScheme.write(out);
    }

    @Override
    public SignedAttest readResponse(int responseHandle, TpmReader in) {
        return SignedAttest.read(in, "certifyInfo");
    }
}
