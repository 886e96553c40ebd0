package io.tpm4j.attest.quote;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.wire.TpmReader;

import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;

/**
 * The key that signed an attestation (an AK), as the verifier knows it: its public key, and its TPM public area when
 * the verifier has that (then the verifiers also check the key is a restricted signing key, which can sign only
 * what the TPM itself produced, and that the signature uses the key's own scheme).
 *
 * @param publicKey  the key that verifies the signature
 * @param publicArea the key's TPMT_PUBLIC, when known
 */
public record AttestationKey(PublicKey publicKey, Optional<PublicArea> publicArea) {

    /** The largest TPM2B_PUBLIC accepted: an RSA-4096 key with a SHA-512 policy is well under it. */
    public static final int MAX_PUBLIC_BYTES = 1024;

    public AttestationKey {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(publicArea, "publicArea");
    }

    /** A key known only as a JCA key: the caller vouches that it is an AK. */
    public static AttestationKey of(PublicKey key) {
        return new AttestationKey(key, Optional.empty());
    }

    /** A key known by its TPM public area (RSA, or ECC on NIST P-256, P-384 or P-521). */
    public static AttestationKey of(PublicArea area) throws AttestationFormatException {
        try {
            return new AttestationKey(PublicKeys.toPublicKey(area), Optional.of(area));
        } catch (IllegalArgumentException e) {
            throw new AttestationFormatException("the attestation key's public area is no usable public key: "
                    + e.getMessage(), -1);
        }
    }

    /** A key from a TPM2B_PUBLIC, as {@code tpm2_createak -u} and {@code tpm2_readpublic -o} write it. */
    public static AttestationKey parse(byte[] tpm2bPublic) throws AttestationFormatException {
        if (tpm2bPublic.length > MAX_PUBLIC_BYTES) {
            throw new AttestationFormatException("TPM2B_PUBLIC has " + tpm2bPublic.length + " bytes, more than the "
                    + MAX_PUBLIC_BYTES + " accepted", -1);
        }
        PublicArea area;
        try {
            TpmReader in = new TpmReader(tpm2bPublic);
            area = PublicArea.readSized(in);
            in.expectEnd("TPM2B_PUBLIC");
        } catch (TpmProtocolException e) {
            throw AttestationFormatException.of("the attestation key is no TPM2B_PUBLIC", e);
        } catch (IllegalArgumentException e) {
            throw new AttestationFormatException("the attestation key is no TPM2B_PUBLIC: " + e.getMessage(), -1);
        }
        return of(area);
    }
}
