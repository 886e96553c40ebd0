package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_NV_Extend (Part 3, section 31.9): index := H_nameAlg(index || data), like a PCR. */
public record NvExtend(int authHandle, Authorization auth, int nvIndex, byte[] data)
        implements TpmCommand<NvExtend.Response> {

    public NvExtend {
        data = data.clone();
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.NV_EXTEND;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, auth), CommandHandle.of(nvIndex));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(data);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
