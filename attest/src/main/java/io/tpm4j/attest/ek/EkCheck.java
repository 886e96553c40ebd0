package io.tpm4j.attest.ek;

/** The checks an EK certificate goes through; a {@link EkProblem} names the one that failed. */
public enum EkCheck {
    /** The certificate (and the chain certificates given) parse, within bounds. */
    CERTIFICATE,
    /** The certificate's public key is the EK's: the public area the TPM created from the template. */
    PUBLIC_KEY,
    /** The EK public area is what credential activation needs: a restricted decryption key fixed to its TPM. */
    EK_ATTRIBUTES,
    /** The certificate chains to a trust anchor the caller gave (PKIX: signatures, validity, CA constraints). */
    CHAIN,
    /** The extended key usage, when present, holds tcg-kp-EKCertificate (2.23.133.8.1). */
    EXTENDED_KEY_USAGE,
    /** The key usage is keyEncipherment (RSA) or keyAgreement (ECC). */
    KEY_USAGE,
    /** The subjectAltName names the TPM's manufacturer, model and version. */
    SUBJECT_ALT_NAME,
    /** The certificate is not a CA's. */
    BASIC_CONSTRAINTS
}
