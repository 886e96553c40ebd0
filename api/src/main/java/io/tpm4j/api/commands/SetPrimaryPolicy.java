package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/** TPM2_SetPrimaryPolicy (Part 3, section 24.3): sets a hierarchy's authPolicy (empty with TPM_ALG_NULL to clear it). */
public record SetPrimaryPolicy(int authHandle, Authorization auth, byte[] authPolicy, TpmAlg hashAlg)
        implements TpmCommand<SetPrimaryPolicy.Response> {

    public SetPrimaryPolicy {
        authPolicy = authPolicy.clone();
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.SET_PRIMARY_POLICY;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, auth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(authPolicy).u16(hashAlg.value());
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
