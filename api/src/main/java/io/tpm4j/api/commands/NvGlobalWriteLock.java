package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_NV_GlobalWriteLock (Part 3, section 31.12): write-locks every index with TPMA_NV_GLOBALLOCK. */
public record NvGlobalWriteLock(int authHandle, Authorization auth) implements TpmCommand<NvGlobalWriteLock.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.NV_GLOBAL_WRITE_LOCK;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, auth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
