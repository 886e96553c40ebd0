package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;

import static io.tpm4j.api.commands.Parameter.u32;

/**
 * TPM2_SetAlgorithmSet (Part 3, section 26.3): selects a vendor-defined algorithm set, which the TPM reports
 * as TPM_PT_ALGORITHM_SET. Platform authorisation.
 */
public record SetAlgorithmSet(Authorization platformAuth, int algorithmSet) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.SET_ALGORITHM_SET).authorized(TpmRh.PLATFORM, platformAuth)
                .parameters(u32(algorithmSet));
    }
}
