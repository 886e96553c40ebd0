package io.tpm4j.api.commands;

import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.u32;

/**
 * TPM2_FlushContext (Part 3, section 28.4): removes a loaded object or session from the TPM. Its handle is a
 * parameter, not in the handle area, so it needs no authorisation.
 */
public record FlushContext(int flushHandle) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.FLUSH_CONTEXT).parameters(u32(flushHandle));
    }
}
