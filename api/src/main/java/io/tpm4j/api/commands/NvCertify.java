package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_NV_Certify (Part 3, section 31.16): a signing key vouches for {@code size} bytes of an NV index at {@code offset}. */
public record NvCertify(int signHandle, Authorization signAuth, int authHandle, Authorization auth, int nvIndex,
                        byte[] qualifyingData, Scheme inScheme, int size, int offset)
        implements TpmCommand<SignedAttest> {

    public NvCertify {
        qualifyingData = qualifyingData.clone();
    }

    @Override
    public TpmCc code() {
        return TpmCc.NV_CERTIFY;
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
        return List.of(CommandHandle.authorized(signHandle, signAuth), CommandHandle.authorized(authHandle, auth),
                CommandHandle.of(nvIndex));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(qualifyingData);
        inScheme.write(out);
        out.u16(size).u16(offset);
    }

    @Override
    public SignedAttest readResponse(int responseHandle, TpmReader in) {
        return SignedAttest.read(in, "certifyInfo");
    }
}
