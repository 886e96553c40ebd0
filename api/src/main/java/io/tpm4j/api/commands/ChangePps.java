package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

/** TPM2_ChangePPS (Part 3, section 24.4): a new platform primary seed; platform authorisation. */
public record ChangePps(int authHandle, Authorization platformAuth) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.CHANGE_PPS).authorized(authHandle, platformAuth);
    }
}
