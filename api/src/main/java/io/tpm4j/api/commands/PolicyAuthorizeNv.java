package io.tpm4j.api.commands;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;

/**
 * TPM2_PolicyAuthorizeNV (Part 3, section 23.22): the session's current policy digest must equal the TPMT_HA
 * stored in {@code nvIndex}; it is then replaced by a digest that names only the index, so the policy can be
 * changed by rewriting the index. {@code authHandle} is the index or its hierarchy, authorised to read it.
 */
public record PolicyAuthorizeNv(int authHandle, Authorization auth, int nvIndex, int policySession)
        implements NoResponseCommand {

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.POLICY_AUTHORIZE_NV).authorized(authHandle, auth).handle(nvIndex)
                .handle(policySession);
    }
}
