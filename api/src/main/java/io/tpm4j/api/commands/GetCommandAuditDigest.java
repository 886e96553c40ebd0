package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_GetCommandAuditDigest (Part 3, section 18.6): the signed digest of every audited command since the last reset. */
public record GetCommandAuditDigest(int privacyHandle, Authorization privacyAuth, int signHandle, Authorization signAuth,
                                    byte[] qualifyingData, Scheme inScheme)
        implements TpmCommand<SignedAttest> {

    public GetCommandAuditDigest {
        qualifyingData = qualifyingData.clone();
    }

    @Override
    public TpmCc code() {
        return TpmCc.GET_COMMAND_AUDIT_DIGEST;
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
        return List.of(CommandHandle.authorized(privacyHandle, privacyAuth), CommandHandle.authorized(signHandle, signAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(qualifyingData);
        inScheme.write(out);
    }

    @Override
    public SignedAttest readResponse(int responseHandle, TpmReader in) {
        return SignedAttest.read(in, "auditInfo");
    }
}
