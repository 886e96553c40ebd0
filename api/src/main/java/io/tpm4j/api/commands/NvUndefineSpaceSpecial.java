package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;

/**
 * TPM2_NV_UndefineSpaceSpecial (Part 3, section 31.5): removes a platform index that has TPMA_NV_POLICY_DELETE,
 * authorised by the index's policy (ADMIN role) and the platform hierarchy.
 */
public record NvUndefineSpaceSpecial(int nvIndex, Authorization adminAuth, Authorization platformAuth)
        implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_UNDEFINE_SPACE_SPECIAL).authorized(nvIndex, adminAuth)
                .authorized(TpmRh.PLATFORM, platformAuth);
    }
}
