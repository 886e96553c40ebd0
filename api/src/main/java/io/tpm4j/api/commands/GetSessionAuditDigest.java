package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_GetSessionAuditDigest (Part 3, section 18.5): the audit digest of HMAC session {@code sessionHandle},
 * signed by {@code signHandle} (TPM_RH_NULL for unsigned) with the endorsement hierarchy's consent.
 */
public record GetSessionAuditDigest(int privacyAdminHandle, Authorization privacyAuth, int signHandle,
                                    Authorization signAuth, int sessionHandle, byte[] qualifyingData, Scheme inScheme)
        implements TpmCommand<SignedAttest> {

    public GetSessionAuditDigest {
        qualifyingData = qualifyingData.clone();
    }

    @Override
    public TpmCc code() {
        return TpmCc.GET_SESSION_AUDIT_DIGEST;
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
        return List.of(CommandHandle.authorized(privacyAdminHandle, privacyAuth),
                CommandHandle.authorized(signHandle, signAuth), CommandHandle.of(sessionHandle));
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
