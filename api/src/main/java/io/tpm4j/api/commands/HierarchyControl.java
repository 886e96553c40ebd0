package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.bool;
import static io.tpm4j.api.commands.Parameter.u32;

/** TPM2_HierarchyControl (Part 3, section 24.2): enables or disables a hierarchy (enable names it, e.g. TPM_RH_ENDORSEMENT). */
public record HierarchyControl(int authHandle, Authorization auth, int enable, boolean state) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.HIERARCHY_CONTROL).authorized(authHandle, auth)
                .parameters(u32(enable), bool(state));
    }
}
