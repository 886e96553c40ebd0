package io.tpm4j.api.commands;

import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.structure;
import static io.tpm4j.api.commands.Parameter.u16;

/** TPM2_TestParms (Part 3, section 30.3): asks whether the TPM supports these algorithm parameters (TPMT_PUBLIC_PARMS). */
public record TestParms(PublicParameters parameters) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.TEST_PARMS)
                .parameters(u16(parameters.type().value()), structure(parameters::write));
    }
}
