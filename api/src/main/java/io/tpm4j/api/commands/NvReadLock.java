package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_NV_ReadLock (Part 3, section 31.14): stops reads of an index with READ_STCLEAR until the next TPM Reset or Restart. */
public record NvReadLock(int authHandle, Authorization auth, int nvIndex) implements TpmCommand<NvReadLock.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.NV_READ_LOCK;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, auth), CommandHandle.of(nvIndex));
    }

    @Override
    public void writeParameters(TpmWriter out) {
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
