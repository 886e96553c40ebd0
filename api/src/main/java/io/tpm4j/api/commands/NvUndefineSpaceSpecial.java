package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_NV_UndefineSpaceSpecial (Part 3, section 31.5): removes a platform index that has TPMA_NV_POLICY_DELETE,
 * authorised by the index's policy (ADMIN role) and the platform hierarchy.
 */
public record NvUndefineSpaceSpecial(int nvIndex, Authorization adminAuth, Authorization platformAuth)
        implements TpmCommand<NvUndefineSpaceSpecial.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.NV_UNDEFINE_SPACE_SPECIAL;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(nvIndex, adminAuth), CommandHandle.authorized(TpmRh.PLATFORM, platformAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
