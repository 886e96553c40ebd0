package io.tpm4j.attest.quote;

/** What a verification checks; each {@link Failure} names one. */
public enum Check {
    /** The attestation key is one that can only sign what the TPM itself produced. */
    KEY,
    /** The signature over the TPMS_ATTEST bytes verifies with the attestation key. */
    SIGNATURE,
    /** TPMS_ATTEST.magic is TPM_GENERATED_VALUE. */
    MAGIC,
    /** TPMS_ATTEST.type is the attestation the verifier asked for. */
    TYPE,
    /** TPMS_ATTEST.extraData is the verifier's nonce. */
    NONCE,
    /** The quote selects exactly the PCRs the verifier has values for. */
    PCR_SELECTION,
    /** The quote's pcrDigest is the digest of the verifier's PCR values. */
    PCR_DIGEST,
    /** The certified or created object's Name is the Name of the public area the verifier has. */
    OBJECT_NAME,
    /** The certified object's qualified Name is the one the verifier expects. */
    QUALIFIED_NAME,
    /** The creation hash is the digest of the creation data the verifier has. */
    CREATION_HASH
}
