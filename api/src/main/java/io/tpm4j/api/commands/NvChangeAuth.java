package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_NV_ChangeAuth (Part 3, section 31.15): sets a new authValue on an NV index. The index's ADMIN role
 * needs a policy session whose policy allows this command.
 */
public record NvChangeAuth(int nvIndex, Authorization adminAuth, byte[] newAuth)
        implements TpmCommand<NvChangeAuth.Response> {

    public NvChangeAuth {
        newAuth = newAuth.clone();
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.NV_CHANGE_AUTH;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(nvIndex, adminAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(newAuth);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }

    /** Never shows the new authValue. */
    @Override
    public String toString() {
        return "NvChangeAuth[nvIndex=" + String.format("0x%08x", nvIndex) + "]";
    }
}
