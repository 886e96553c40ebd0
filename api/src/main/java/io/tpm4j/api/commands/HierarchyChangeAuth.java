package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_HierarchyChangeAuth (Part 3, section 24.8): sets the authValue of a hierarchy (owner, endorsement, platform, lockout). */
public record HierarchyChangeAuth(int authHandle, Authorization currentAuth, byte[] newAuth) implements TpmCommand<HierarchyChangeAuth.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.HIERARCHY_CHANGE_AUTH;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, currentAuth));
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
        return String.format("HierarchyChangeAuth[0x%08x]", authHandle);
    }
}
