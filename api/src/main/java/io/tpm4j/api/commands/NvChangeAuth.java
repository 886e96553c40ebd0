package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

import static io.tpm4j.api.commands.Parameter.sized;

/**
 * TPM2_NV_ChangeAuth (Part 3, section 31.15): sets a new authValue on an NV index. The index's ADMIN role
 * needs a policy session whose policy allows this command.
 */
public record NvChangeAuth(int nvIndex, Authorization adminAuth, byte[] newAuth)
        implements NoResponseCommand {

    public NvChangeAuth {
        newAuth = newAuth.clone();
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.NV_CHANGE_AUTH).authorized(nvIndex, adminAuth).parameters(sized(newAuth));
    }

    /** Never shows the new authValue. */
    @Override
    public String toString() {
        return "NvChangeAuth[nvIndex=" + String.format("0x%08x", nvIndex) + "]";
    }
}
