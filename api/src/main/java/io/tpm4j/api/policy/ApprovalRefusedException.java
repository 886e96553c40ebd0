package io.tpm4j.api.policy;

import io.tpm4j.api.TpmResponseException;

import java.util.Optional;

/**
 * A signed or NV-held policy that does not authorise: why, and — where the TPM said so — the command and response
 * code it answered with (the cause).
 */
public final class ApprovalRefusedException extends RuntimeException {

    /** Why the approval does not authorise. */
    public enum Reason {
        /** The TPM's TPM2_VerifySignature refused the signature (TPM_RC_SIGNATURE): forged, damaged, or another key's. */
        BAD_SIGNATURE,
        /** The approval's authority or policyRef is not the one the object's policy names. */
        NOT_FOR_THIS_OBJECT,
        /**
         * After the approved policy's commands the session's digest is not the approved policy (TPM2_PolicyAuthorize
         * or TPM2_PolicyAuthorizeNV answered TPM_RC_VALUE): the TPM's state, e.g. a PCR, is not the approved one, or
         * the NV index now holds another policy.
         */
        STATE_NOT_APPROVED
    }

    private final Reason reason;

    ApprovalRefusedException(Reason reason, String message, TpmResponseException cause) {
        super(message + (cause == null ? "" : " (" + cause.getMessage() + ")"), cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The TPM's answer, where the TPM refused. */
    public Optional<TpmResponseException> tpmResponse() {
        return Optional.ofNullable((TpmResponseException) getCause());
    }
}
