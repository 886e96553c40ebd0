package io.tpm4j.api.types;

/**
 * Public-area templates. The storage root keys follow the TCG TPM v2.0 Provisioning Guidance (the
 * templates tpm2-tools and other stacks also use), so the SRK tpm4j creates is the same key theirs find.
 */
public final class Templates {

    /** TPM_ECC_NIST_P256. */
    public static final int ECC_NIST_P256 = 0x0003;

    private static final int STORAGE = ObjectAttributes.FIXED_TPM | ObjectAttributes.FIXED_PARENT
            | ObjectAttributes.SENSITIVE_DATA_ORIGIN | ObjectAttributes.USER_WITH_AUTH | ObjectAttributes.NO_DA
            | ObjectAttributes.RESTRICTED | ObjectAttributes.DECRYPT;

    private Templates() {
    }

    /** SRK, ECC NIST P-256 with AES-128-CFB, SHA-256 name; unique x and y are 32 zero bytes each. */
    public static PublicArea srkEccP256() {
        return new PublicArea(TpmAlg.SHA256, new ObjectAttributes(STORAGE), new byte[0],
                new PublicParameters.Ecc(SymmetricDefinition.AES_128_CFB, Scheme.NULL, ECC_NIST_P256, Scheme.NULL),
                new PublicId.Ecc(new byte[32], new byte[32]));
    }

    /** SRK, RSA-2048 with AES-128-CFB, SHA-256 name; unique is a 256-byte zero modulus. */
    public static PublicArea srkRsa2048() {
        return new PublicArea(TpmAlg.SHA256, new ObjectAttributes(STORAGE), new byte[0],
                new PublicParameters.Rsa(SymmetricDefinition.AES_128_CFB, Scheme.NULL, 2048, 0),
                new PublicId.Rsa(new byte[256]));
    }
}
