package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

/** TPM2_NV_WriteLock (Part 3, section 31.11): stops writes to an index with WRITEDEFINE or WRITE_STCLEAR. */
public record NvWriteLock(int authHandle, Authorization auth, int nvIndex) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_WRITE_LOCK).authorized(authHandle, auth).handle(nvIndex);
    }
}
