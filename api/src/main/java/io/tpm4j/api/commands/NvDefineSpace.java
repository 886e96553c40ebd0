package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_NV_DefineSpace (Part 3, section 31.3): defines an NV index with its authValue and public area. */
public record NvDefineSpace(int authHandle, Authorization hierarchyAuth, byte[] auth, NvPublic publicInfo)
        implements TpmCommand<NvDefineSpace.Response> {

    public NvDefineSpace {
        auth = auth.clone();
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.NV_DEFINE_SPACE;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, hierarchyAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(auth);
        publicInfo.writeSized(out);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }

    /** Never shows the index's authValue. */
    @Override
    public String toString() {
        return "NvDefineSpace[" + publicInfo + "]";
    }
}
