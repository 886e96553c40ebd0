package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

/** TPM2_ChangeEPS (Part 3, section 24.5): a new endorsement primary seed, so new EKs; platform authorisation. */
public record ChangeEps(int authHandle, Authorization platformAuth) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.CHANGE_EPS).authorized(authHandle, platformAuth);
    }
}
