package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.bool;

/** TPM2_ClearControl (Part 3, section 24.7): disables (or re-enables) TPM2_Clear. */
public record ClearControl(int authHandle, Authorization auth, boolean disable) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.CLEAR_CONTROL).authorized(authHandle, auth).parameters(bool(disable));
    }
}
