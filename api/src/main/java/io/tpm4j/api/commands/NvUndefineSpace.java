package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

/** TPM2_NV_UndefineSpace (Part 3, section 31.4): removes an NV index, authorised by its hierarchy. */
public record NvUndefineSpace(int authHandle, Authorization hierarchyAuth, int nvIndex)
        implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_UNDEFINE_SPACE).authorized(authHandle, hierarchyAuth).handle(nvIndex);
    }
}
