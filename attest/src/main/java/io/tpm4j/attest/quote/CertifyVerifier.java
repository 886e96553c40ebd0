package io.tpm4j.attest.quote;

import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmSt;

import java.security.MessageDigest;
import java.util.Optional;

/**
 * Checks TPM2_Certify and TPM2_CertifyCreation without a TPM: how an attestation key vouches for another key (an
 * application's signing or decryption key) in the same TPM. Besides what every attestation gets (key, signature,
 * magic, type, nonce), the certified object's Name must be the Name of the public area the verifier has, so the
 * key the verifier will trust is the one the TPM holds.
 */
public final class CertifyVerifier {

    private CertifyVerifier() {
    }

    /**
     * TPM2_Certify: the TPM has {@code certified} loaded. Proves the object is in the TPM that holds the AK, with
     * exactly this public area (attributes, policy and key included, as its Name covers them all).
     */
    public static Verification certify(SignedAttestation certification, AttestationKey ak, byte[] nonce,
                                       PublicArea certified) throws AttestationFormatException {
        return certify(certification, ak, nonce, certified, Optional.empty());
    }

    /**
     * {@link #certify(SignedAttestation, AttestationKey, byte[], PublicArea)}, and the qualified Name (the Name of
     * the object and of every parent above it, up to its hierarchy) must be {@code qualifiedName}: the object is
     * under the parents the verifier expects.
     */
    public static Verification certify(SignedAttestation certification, AttestationKey ak, byte[] nonce,
                                       PublicArea certified, byte[] qualifiedName) throws AttestationFormatException {
        return certify(certification, ak, nonce, certified, Optional.of(qualifiedName.clone()));
    }

    private static Verification certify(SignedAttestation certification, AttestationKey ak, byte[] nonce,
                                        PublicArea certified, Optional<byte[]> qualifiedName)
            throws AttestationFormatException {
        AttestChecks checks = AttestChecks.begin(certification, ak, TpmSt.ATTEST_CERTIFY, nonce);
        Attest.Certify info = (Attest.Certify) checks.attest().attested();
        name(checks, "TPMS_CERTIFY_INFO.name", info.name(), certified);
        qualifiedName.ifPresent(expected -> {
            if (!MessageDigest.isEqual(info.qualifiedName(), expected)) {
                checks.fail(Check.QUALIFIED_NAME, "TPMS_CERTIFY_INFO.qualifiedName "
                        + AttestChecks.hex(info.qualifiedName()) + " is not the expected " + AttestChecks.hex(expected)
                        + ": the object is under other parents");
            }
        });
        return checks.end(Optional.empty());
    }

    /**
     * TPM2_CertifyCreation: this TPM created {@code created}, with the creation data {@code creationData} (the
     * TPMS_CREATION_DATA bytes TPM2_Create or TPM2_CreatePrimary returned: the parent's Name, the PCRs at creation,
     * the locality). The creation hash must be their digest with the object's name algorithm. Proves the key was
     * made inside the TPM, not imported, under the parent and PCR state that its creation data name.
     */
    public static Verification certifyCreation(SignedAttestation certification, AttestationKey ak, byte[] nonce,
                                               PublicArea created, byte[] creationData)
            throws AttestationFormatException {
        AttestChecks checks = AttestChecks.begin(certification, ak, TpmSt.ATTEST_CREATION, nonce);
        Attest.Creation info = (Attest.Creation) checks.attest().attested();
        name(checks, "TPMS_CREATION_INFO.objectName", info.objectName(), created);
        byte[] expected;
        try {
            expected = Names.digest(created.nameAlg()).digest(creationData);
        } catch (IllegalArgumentException e) {
            checks.fail(Check.CREATION_HASH, "the public area given has no name algorithm to hash with: "
                    + e.getMessage());
            return checks.end(Optional.empty());
        }
        if (!MessageDigest.isEqual(info.creationHash(), expected)) {
            checks.fail(Check.CREATION_HASH, "TPMS_CREATION_INFO.creationHash " + AttestChecks.hex(info.creationHash())
                    + " is not the digest " + AttestChecks.hex(expected) + " of the creation data given");
        }
        return checks.end(Optional.empty());
    }

    private static void name(AttestChecks checks, String field, byte[] attested, PublicArea expected) {
        byte[] name;
        try {
            name = expected.name();
        } catch (IllegalArgumentException e) {
            checks.fail(Check.OBJECT_NAME, "the public area given has no Name: " + e.getMessage());
            return;
        }
        if (!MessageDigest.isEqual(attested, name)) {
            checks.fail(Check.OBJECT_NAME, field + " " + AttestChecks.hex(attested) + " is not the Name "
                    + AttestChecks.hex(name) + " of the public area given: the TPM vouched for another object");
        }
    }
}
