package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_NV_UndefineSpace (Part 3, section 31.4): removes an NV index, authorised by its hierarchy. */
public record NvUndefineSpace(int authHandle, Authorization hierarchyAuth, int nvIndex)
        implements TpmCommand<NvUndefineSpace.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.NV_UNDEFINE_SPACE;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, hierarchyAuth), CommandHandle.of(nvIndex));
    }

    @Override
    public void writeParameters(TpmWriter out) {
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
