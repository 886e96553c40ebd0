package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_NV_SetBits (Part 3, section 31.10): ORs bits into a bit-field index. */
public record NvSetBits(int authHandle, Authorization auth, int nvIndex, long bits) implements TpmCommand<NvSetBits.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.NV_SET_BITS;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, auth), CommandHandle.of(nvIndex));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.u64(bits);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
