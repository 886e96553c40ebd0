package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

/** TPM2_NV_ReadLock (Part 3, section 31.14): stops reads of an index with READ_STCLEAR until the next TPM Reset or Restart. */
public record NvReadLock(int authHandle, Authorization auth, int nvIndex) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_READ_LOCK).authorized(authHandle, auth).handle(nvIndex);
    }
}
