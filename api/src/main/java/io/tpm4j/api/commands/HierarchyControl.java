package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_HierarchyControl (Part 3, section 24.2): enables or disables a hierarchy (enable names it, e.g. TPM_RH_ENDORSEMENT). */
public record HierarchyControl(int authHandle, Authorization auth, int enable, boolean state) implements TpmCommand<HierarchyControl.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.HIERARCHY_CONTROL;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, auth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u32(enable).u8(state ? 1 : 0);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
