package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

/** TPM2_Clear (Part 3, section 24.6): removes everything in the owner and endorsement hierarchies and gives them new seeds; authorised by lockout or platform. */
public record Clear(int authHandle, Authorization auth) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.CLEAR).authorized(authHandle, auth);
    }
}
