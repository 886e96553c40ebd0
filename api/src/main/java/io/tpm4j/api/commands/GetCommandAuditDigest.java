package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/** TPM2_GetCommandAuditDigest (Part 3, section 18.6): the signed digest of every audited command since the last reset. */
public record GetCommandAuditDigest(int privacyHandle, Authorization privacyAuth, int signHandle, Authorization signAuth,
                                    byte[] qualifyingData, Scheme inScheme)
        implements AttestingCommand {

    public GetCommandAuditDigest {
        qualifyingData = qualifyingData.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.GET_COMMAND_AUDIT_DIGEST).authorized(privacyHandle, privacyAuth)
                .authorized(signHandle, signAuth)
                .parameters(sized(qualifyingData), structure(inScheme::write)).sizedResponse();
    }
}
