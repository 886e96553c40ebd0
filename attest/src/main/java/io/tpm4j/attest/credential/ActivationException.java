package io.tpm4j.attest.credential;

import io.tpm4j.api.TpmResponseException;

/**
 * The TPM refused to activate a credential: which of its checks failed, with the TPM's decoded response code as the
 * cause. The verifier learns nothing from it but that the attester could not answer the challenge.
 */
public final class ActivationException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Which check of TPM2_ActivateCredential failed. */
    public enum Reason {
        /**
         * The seed did not decrypt with this EK (RSA-OAEP failed, or the ECC point is not on the EK's curve): the
         * secret was made for another EK, or altered.
         */
        SEED_NOT_FOR_THIS_EK("the secret's seed does not decrypt with this EK"),
        /**
         * The credential blob's integrity HMAC did not verify: it was altered, made for another AK Name, or (with an
         * ECC EK, whose seed decryption cannot fail) for another EK.
         */
        INTEGRITY("the credential blob's integrity HMAC does not verify for this AK's Name and EK"),
        /** The blob or the secret is malformed: a size that does not fit. */
        MALFORMED("the credential blob or secret is malformed");

        private final String explanation;

        Reason(String explanation) {
            this.explanation = explanation;
        }

        /** What failed, in words. */
        public String explanation() {
            return explanation;
        }
    }

    private final Reason reason;

    public ActivationException(Reason reason, TpmResponseException cause) {
        super(reason.explanation() + " (" + cause.getMessage() + ")", cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The TPM's answer, decoded. */
    public TpmResponseException tpmError() {
        return (TpmResponseException) getCause();
    }
}
