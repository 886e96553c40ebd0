package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/** TPM2_Certify (Part 3, section 18.2): a signing key vouches that an object with a given Name is loaded in this TPM. */
public record Certify(int objectHandle, Authorization objectAuth, int signHandle, Authorization signAuth,
                      byte[] qualifyingData, Scheme inScheme) implements AttestingCommand {

    public Certify {
        qualifyingData = qualifyingData.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.CERTIFY).authorized(objectHandle, objectAuth).authorized(signHandle, signAuth)
                .parameters(sized(qualifyingData), structure(inScheme::write)).sizedResponse();
    }
}
