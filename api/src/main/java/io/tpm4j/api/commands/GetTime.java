package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/**
 * TPM2_GetTime (Part 3, section 18.7): a signed statement of the TPM's time and clock, which reveals the
 * reset counts and so needs the endorsement (privacy administrator) authorisation too.
 */
public record GetTime(int privacyAdminHandle, Authorization privacyAdminAuth, int signHandle, Authorization signAuth,
                      byte[] qualifyingData, Scheme inScheme) implements AttestingCommand {

    public GetTime {
        qualifyingData = qualifyingData.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.GET_TIME).authorized(privacyAdminHandle, privacyAdminAuth)
                .authorized(signHandle, signAuth)
                .parameters(sized(qualifyingData), structure(inScheme::write)).sizedResponse();
    }
}
