package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;

/** TPM2_HierarchyChangeAuth (Part 3, section 24.8): sets the authValue of a hierarchy (owner, endorsement, platform, lockout). */
public record HierarchyChangeAuth(int authHandle, Authorization currentAuth, byte[] newAuth) implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.HIERARCHY_CHANGE_AUTH).authorized(authHandle, currentAuth)
                .parameters(sized(newAuth));
    }

    /** Never shows the new authValue. */
    @Override
    public String toString() {
        return String.format("HierarchyChangeAuth[0x%08x]", authHandle);
    }
}
