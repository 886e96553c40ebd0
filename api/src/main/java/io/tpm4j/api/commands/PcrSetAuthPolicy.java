package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_PCR_SetAuthPolicy (Part 3, section 22.6): sets the authPolicy of the policy group that {@code pcrNum}
 * belongs to (an empty policy with TPM_ALG_NULL removes it). Only PCRs the TPM lists under
 * TPM_PT_PCR_POLICY have one.
 */
public record PcrSetAuthPolicy(Authorization platformAuth, byte[] authPolicy, TpmAlg hashAlg, int pcrNum)
        implements TpmCommand<PcrSetAuthPolicy.Response> {

    public PcrSetAuthPolicy {
        authPolicy = authPolicy.clone();
    }

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.PCR_SET_AUTH_POLICY;
    }

    @Override
    public boolean firstCommandParameterSized() {
        return true;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(TpmRh.PLATFORM, platformAuth));
    }

    @Override
    public void writeParameters(TpmWriter out) {
        out.tpm2b(authPolicy).u16(hashAlg.value()).u32(pcrNum);
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
