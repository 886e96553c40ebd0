package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.TpmCc;

import java.util.List;

import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;
import static io.tpm4j.api.commands.Parameter.structures;

/**
 * TPM2_Quote (Part 3, section 18.4): the TPM signs a digest of the selected PCRs, with the caller's nonce in
 * extraData, using a restricted signing key (an attestation key).
 */
public record Quote(int signHandle, Authorization signAuth, byte[] qualifyingData, Scheme inScheme,
                    List<PcrSelection> pcrSelect) implements AttestingCommand {

    public Quote {
        qualifyingData = qualifyingData.clone();
        pcrSelect = List.copyOf(pcrSelect);
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.QUOTE).authorized(signHandle, signAuth)
                .parameters(sized(qualifyingData), structure(inScheme::write),
                        structures(pcrSelect, PcrSelection::write))
                .sizedResponse();
    }
}
