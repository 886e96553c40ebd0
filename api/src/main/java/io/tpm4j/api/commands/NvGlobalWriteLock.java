package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

/** TPM2_NV_GlobalWriteLock (Part 3, section 31.12): write-locks every index with TPMA_NV_GLOBALLOCK. */
public record NvGlobalWriteLock(int authHandle, Authorization auth) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_GLOBAL_WRITE_LOCK).authorized(authHandle, auth);
    }
}
