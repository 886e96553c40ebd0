package io.tpm4j.api.types;

/**
 * Public-area templates. The storage root keys follow the TCG TPM v2.0 Provisioning Guidance (the
 * templates tpm2-tools and other stacks also use), so the SRK tpm4j creates is the same key theirs find.
 */
public final class Templates {

    /** TPM_ECC_NIST_P256, P384 and P521. */
    public static final int ECC_NIST_P256 = 0x0003;
    public static final int ECC_NIST_P384 = 0x0004;
    public static final int ECC_NIST_P521 = 0x0005;

    private static final int STORAGE = ObjectAttributes.FIXED_TPM | ObjectAttributes.FIXED_PARENT
            | ObjectAttributes.SENSITIVE_DATA_ORIGIN | ObjectAttributes.USER_WITH_AUTH | ObjectAttributes.NO_DA
            | ObjectAttributes.RESTRICTED | ObjectAttributes.DECRYPT;

    /**
     * The policy of the low-range EK templates (TCG EK Credential Profile, "Policy A"): TPM2_PolicySecret with
     * the endorsement hierarchy, SHA-256.
     */
    private static final byte[] EK_POLICY_A_SHA256 = java.util.HexFormat.of().parseHex(
            "837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");

    /**
     * The policy of the high-range EK templates ("Policy B"): TPM2_PolicyOR of Policy A (PolicySecret with the
     * endorsement hierarchy) and Policy C (PolicyAuthorizeNV with the profile's NV index I-1, I-2 or I-3 for
     * SHA-256, SHA-384, SHA-512), so the endorsement hierarchy's owner can later approve other policies.
     */
    private static final byte[] EK_POLICY_B_SHA256 = java.util.HexFormat.of().parseHex(
            "ca3d0a99a2b93906f7a3342414efcfb3a385d44cd1fd459089d19b5071c0b7a0");
    private static final byte[] EK_POLICY_B_SHA384 = java.util.HexFormat.of().parseHex(
            "b26e7d28d11a50bc53d882bcf5fd3a1a074148bb35d3b4e4cb1c0ad9bde419ca"
                    + "cb47ba09699646150f9fc000f3f80e12");
    private static final byte[] EK_POLICY_B_SHA512 = java.util.HexFormat.of().parseHex(
            "b8221ca69e8550a4914de3faa6a18c072cc01208073a928d5d66d59ef79e49a4"
                    + "29c41a6b269571d57edb25fbdb1838425608b413cd616a5f6db5b6071af99bea");

    /** Policy A, the low-range EK policy (SHA-256). */
    public static byte[] ekPolicyA() {
        return EK_POLICY_A_SHA256.clone();
    }

    /** Policy B, the high-range EK policy, for a SHA-256, SHA-384 or SHA-512 name algorithm. */
    public static byte[] ekPolicyB(TpmAlg nameAlg) {
        return switch (nameAlg) {
            case SHA256 -> EK_POLICY_B_SHA256.clone();
            case SHA384 -> EK_POLICY_B_SHA384.clone();
            case SHA512 -> EK_POLICY_B_SHA512.clone();
            default -> throw new IllegalArgumentException("the EK Credential Profile defines no Policy B for " + nameAlg);
        };
    }

    /** EK attributes: restricted decryption key, usable only through its policy (adminWithPolicy, no userWithAuth). */
    private static final int EK = ObjectAttributes.FIXED_TPM | ObjectAttributes.FIXED_PARENT
            | ObjectAttributes.SENSITIVE_DATA_ORIGIN | ObjectAttributes.ADMIN_WITH_POLICY | ObjectAttributes.RESTRICTED
            | ObjectAttributes.DECRYPT;

    /** High-range EK attributes: as the low range, plus userWithAuth (the empty authValue serves the USER role). */
    private static final int EK_HIGH = EK | ObjectAttributes.USER_WITH_AUTH;

    private static final int SIGNING = ObjectAttributes.FIXED_TPM | ObjectAttributes.FIXED_PARENT
            | ObjectAttributes.SENSITIVE_DATA_ORIGIN | ObjectAttributes.USER_WITH_AUTH | ObjectAttributes.SIGN_ENCRYPT;

    private Templates() {
    }

    /**
     * A sealed data object for {@code TPM2_Create} with the data in {@code SensitiveCreate}: keyed-hash, no
     * scheme, neither sign nor decrypt, so only TPM2_Unseal gives the data back (with the object's auth).
     */
    public static PublicArea sealedData() {
        return new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
                ObjectAttributes.FIXED_PARENT, ObjectAttributes.USER_WITH_AUTH), new byte[0],
                new PublicParameters.KeyedHash(Scheme.NULL), new PublicId.Digest(new byte[0]));
    }

    /** An HMAC-SHA-256 key generated in the TPM. */
    public static PublicArea hmacKey() {
        return new PublicArea(TpmAlg.SHA256, new ObjectAttributes(SIGNING), new byte[0],
                new PublicParameters.KeyedHash(Scheme.of(TpmAlg.HMAC, TpmAlg.SHA256)), new PublicId.Digest(new byte[0]));
    }

    /**
     * An AES key (128, 192 or 256 bits) in CFB mode, generated in the TPM, for {@code Tpm.encrypt} and
     * {@code Tpm.decrypt}.
     */
    public static PublicArea aesCfbKey(int keyBits) {
        return new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM, ObjectAttributes.FIXED_PARENT,
                ObjectAttributes.SENSITIVE_DATA_ORIGIN, ObjectAttributes.USER_WITH_AUTH, ObjectAttributes.DECRYPT,
                ObjectAttributes.SIGN_ENCRYPT), new byte[0], new PublicParameters.SymCipher(new SymmetricDefinition(
                TpmAlg.AES.value(), keyBits, TpmAlg.CFB.value())), new PublicId.Digest(new byte[0]));
    }

    /**
     * An attestation key: a restricted ECDSA P-256 / SHA-256 signing key, which signs only data the TPM
     * produced itself (quotes, certifications), never an outside digest that mimics them.
     */
    public static PublicArea eccAttestationKey() {
        return new PublicArea(TpmAlg.SHA256, new ObjectAttributes(SIGNING | ObjectAttributes.RESTRICTED), new byte[0],
                new PublicParameters.Ecc(SymmetricDefinition.NULL, Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), ECC_NIST_P256,
                        Scheme.NULL), new PublicId.Ecc(new byte[0], new byte[0]));
    }

    /**
     * An attestation key: a restricted RSASSA-PKCS1-v1_5 / SHA-256 RSA-2048 signing key, the RSA counterpart of
     * {@link #eccAttestationKey()} (tpm2_createak's default key).
     */
    public static PublicArea rsaAttestationKey() {
        return new PublicArea(TpmAlg.SHA256, new ObjectAttributes(SIGNING | ObjectAttributes.RESTRICTED), new byte[0],
                new PublicParameters.Rsa(SymmetricDefinition.NULL, Scheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), 2048, 0),
                new PublicId.Rsa(new byte[0]));
    }

    /** An RSA-2048 decryption key with OAEP (SHA-256): TPM2_RSA_Decrypt, and JCA's RSA/ECB/OAEP to encrypt. */
    public static PublicArea rsaDecryptionKey() {
        return new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM, ObjectAttributes.FIXED_PARENT,
                ObjectAttributes.SENSITIVE_DATA_ORIGIN, ObjectAttributes.USER_WITH_AUTH, ObjectAttributes.DECRYPT),
                new byte[0], new PublicParameters.Rsa(SymmetricDefinition.NULL, Scheme.of(TpmAlg.OAEP, TpmAlg.SHA256),
                2048, 0), new PublicId.Rsa(new byte[0]));
    }

    /** An ordinary ECDSA P-256 / SHA-256 signing key, generated in the TPM, usable with its authValue. */
    public static PublicArea eccSigningKey() {
        return new PublicArea(TpmAlg.SHA256, new ObjectAttributes(SIGNING), new byte[0],
                new PublicParameters.Ecc(SymmetricDefinition.NULL, Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), ECC_NIST_P256,
                        Scheme.NULL), new PublicId.Ecc(new byte[0], new byte[0]));
    }

    /** An ordinary RSASSA-PKCS1-v1_5 / SHA-256 RSA-2048 signing key. */
    public static PublicArea rsaSigningKey() {
        return new PublicArea(TpmAlg.SHA256, new ObjectAttributes(SIGNING), new byte[0],
                new PublicParameters.Rsa(SymmetricDefinition.NULL, Scheme.of(TpmAlg.RSASSA, TpmAlg.SHA256), 2048, 0),
                new PublicId.Rsa(new byte[0]));
    }

    /** EK Credential Profile template L-1: RSA-2048, AES-128-CFB, Policy A, a 256-byte zero modulus. */
    public static PublicArea ekRsa2048() {
        return new PublicArea(TpmAlg.SHA256, new ObjectAttributes(EK), EK_POLICY_A_SHA256,
                new PublicParameters.Rsa(SymmetricDefinition.AES_128_CFB, Scheme.NULL, 2048, 0),
                new PublicId.Rsa(new byte[256]));
    }

    /** EK Credential Profile template L-2: ECC NIST P-256, AES-128-CFB, Policy A, x and y of 32 zero bytes. */
    public static PublicArea ekEccP256() {
        return new PublicArea(TpmAlg.SHA256, new ObjectAttributes(EK), EK_POLICY_A_SHA256,
                new PublicParameters.Ecc(SymmetricDefinition.AES_128_CFB, Scheme.NULL, ECC_NIST_P256, Scheme.NULL),
                new PublicId.Ecc(new byte[32], new byte[32]));
    }

    /** EK Credential Profile template H-1: RSA-2048, AES-128-CFB, SHA-256, Policy B, empty unique. */
    public static PublicArea ekHighRangeRsa2048() {
        return ekHighRangeRsa(TpmAlg.SHA256, EK_POLICY_B_SHA256, SymmetricDefinition.AES_128_CFB, 2048);
    }

    /** EK Credential Profile template H-2: ECC NIST P-256, AES-128-CFB, SHA-256, Policy B, empty unique. */
    public static PublicArea ekHighRangeEccP256() {
        return ekHighRangeEcc(TpmAlg.SHA256, EK_POLICY_B_SHA256, SymmetricDefinition.AES_128_CFB, ECC_NIST_P256);
    }

    /** EK Credential Profile template H-3: ECC NIST P-384, AES-256-CFB, SHA-384, Policy B. */
    public static PublicArea ekHighRangeEccP384() {
        return ekHighRangeEcc(TpmAlg.SHA384, EK_POLICY_B_SHA384, SymmetricDefinition.AES_256_CFB, ECC_NIST_P384);
    }

    /** EK Credential Profile template H-4: ECC NIST P-521, AES-256-CFB, SHA-512, Policy B. */
    public static PublicArea ekHighRangeEccP521() {
        return ekHighRangeEcc(TpmAlg.SHA512, EK_POLICY_B_SHA512, SymmetricDefinition.AES_256_CFB, ECC_NIST_P521);
    }

    /** EK Credential Profile template H-6: RSA-3072, AES-256-CFB, SHA-384, Policy B. */
    public static PublicArea ekHighRangeRsa3072() {
        return ekHighRangeRsa(TpmAlg.SHA384, EK_POLICY_B_SHA384, SymmetricDefinition.AES_256_CFB, 3072);
    }

    /** EK Credential Profile template H-7: RSA-4096, AES-256-CFB, SHA-384, Policy B. */
    public static PublicArea ekHighRangeRsa4096() {
        return ekHighRangeRsa(TpmAlg.SHA384, EK_POLICY_B_SHA384, SymmetricDefinition.AES_256_CFB, 4096);
    }

    private static PublicArea ekHighRangeRsa(TpmAlg nameAlg, byte[] policy, SymmetricDefinition symmetric, int bits) {
        return new PublicArea(nameAlg, new ObjectAttributes(EK_HIGH), policy,
                new PublicParameters.Rsa(symmetric, Scheme.NULL, bits, 0), new PublicId.Rsa(new byte[0]));
    }

    private static PublicArea ekHighRangeEcc(TpmAlg nameAlg, byte[] policy, SymmetricDefinition symmetric, int curve) {
        return new PublicArea(nameAlg, new ObjectAttributes(EK_HIGH), policy,
                new PublicParameters.Ecc(symmetric, Scheme.NULL, curve, Scheme.NULL), new PublicId.Ecc(new byte[0], new byte[0]));
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

    /**
     * Whether {@code area} is one of the standard SRK templates above, whatever its unique field: a key persisted
     * at 0x81000001 that passes is the SRK other stacks would create.
     */
    public static boolean isStandardSrk(PublicArea area) {
        return java.util.stream.Stream.of(srkEccP256(), srkRsa2048()).anyMatch(t -> t.nameAlg() == area.nameAlg()
                && t.attributes().equals(area.attributes()) && java.util.Arrays.equals(t.authPolicy(), area.authPolicy())
                && t.parameters().equals(area.parameters()));
    }
}
