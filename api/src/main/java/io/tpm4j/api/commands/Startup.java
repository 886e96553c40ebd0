package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmSu;

import static io.tpm4j.api.commands.Parameter.u16;

/** TPM2_Startup (Part 3, section 9.3): the first command after TPM initialisation. */
public record Startup(TpmSu startupType) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.STARTUP).parameters(u16(startupType.value()));
    }
}
