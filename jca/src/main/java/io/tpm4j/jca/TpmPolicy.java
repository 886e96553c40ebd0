package io.tpm4j.jca;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;

/**
 * How a key whose use needs a policy gets it: before each use the provider starts a policy session with the key's
 * name algorithm and hands it here to run the policy's commands (e.g. {@code TPM2_PolicyPCR}) on {@code tpm}, the
 * provider's own connection. The session authorises exactly one command and ends with it.
 */
@FunctionalInterface
public interface TpmPolicy {

    /**
     * Runs the policy on {@code session}.
     *
     * @return what the policy asks for besides its digest: nothing, or the key's password (PolicyAuthValue as
     *         {@link Authorization.PolicyProof#AUTH_VALUE}, PolicyPassword as {@link Authorization.PolicyProof#PASSWORD})
     */
    Authorization.PolicyProof satisfy(Tpm tpm, AuthSession session);
}
