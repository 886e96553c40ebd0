package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmSu;

import static io.tpm4j.api.commands.Parameter.u16;

/** TPM2_Shutdown (Part 3, section 9.4): prepares the TPM for power loss; STATE keeps what Startup(STATE) resumes. */
public record Shutdown(TpmSu shutdownType) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.SHUTDOWN).parameters(u16(shutdownType.value()));
    }
}
