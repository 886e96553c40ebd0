package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/**
 * TPM2_GetSessionAuditDigest (Part 3, section 18.5): the audit digest of HMAC session {@code sessionHandle},
 * signed by {@code signHandle} (TPM_RH_NULL for unsigned) with the endorsement hierarchy's consent.
 */
public record GetSessionAuditDigest(int privacyAdminHandle, Authorization privacyAuth, int signHandle,
                                    Authorization signAuth, int sessionHandle, byte[] qualifyingData, Scheme inScheme)
        implements AttestingCommand {

    public GetSessionAuditDigest {
        qualifyingData = qualifyingData.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.GET_SESSION_AUDIT_DIGEST).authorized(privacyAdminHandle, privacyAuth)
                .authorized(signHandle, signAuth).handle(sessionHandle)
                .parameters(sized(qualifyingData), structure(inScheme::write)).sizedResponse();
    }
}
