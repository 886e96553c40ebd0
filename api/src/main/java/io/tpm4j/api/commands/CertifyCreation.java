package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;

/**
 * TPM2_CertifyCreation (Part 3, section 18.3): a signing key vouches that this TPM created the object, with the
 * creation hash and ticket TPM2_Create or TPM2_CreatePrimary returned.
 */
public record CertifyCreation(int signHandle, Authorization signAuth, int objectHandle, byte[] qualifyingData,
                              byte[] creationHash, Scheme inScheme, Ticket creationTicket)
        implements AttestingCommand {

    public CertifyCreation {
        qualifyingData = qualifyingData.clone();
        creationHash = creationHash.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.CERTIFY_CREATION).authorized(signHandle, signAuth).handle(objectHandle)
                .parameters(sized(qualifyingData), sized(creationHash), structure(inScheme::write),
                        structure(creationTicket::write))
                .sizedResponse();
    }
}
