package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.List;

/**
 * TPM2_PolicyAuthorizeNV (Part 3, section 23.22): the session's current policy digest must equal the TPMT_HA
 * stored in {@code nvIndex}; it is then replaced by a digest that names only the index, so the policy can be
 * changed by rewriting the index. {@code authHandle} is the index or its hierarchy, authorised to read it.
 */
public record PolicyAuthorizeNv(int authHandle, Authorization auth, int nvIndex, int policySession)
        implements TpmCommand<PolicyAuthorizeNv.Response> {

    public record Response() {
    }

    @Override
    public TpmCc code() {
        return TpmCc.POLICY_AUTHORIZE_NV;
    }

    @Override
    public List<CommandHandle> handles() {
        return List.of(CommandHandle.authorized(authHandle, auth), CommandHandle.of(nvIndex), CommandHandle.of(policySession));
    }

    @Override
    public void writeParameters(TpmWriter out) {
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        return new Response();
    }
}
