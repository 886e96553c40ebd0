package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

/** TPM2_NV_Increment (Part 3, section 31.8): adds one to a counter index. */
public record NvIncrement(int authHandle, Authorization auth, int nvIndex) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_INCREMENT).authorized(authHandle, auth).handle(nvIndex);
    }
}
