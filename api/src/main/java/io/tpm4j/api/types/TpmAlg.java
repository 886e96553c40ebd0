package io.tpm4j.api.types;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * TPM_ALG_ID: the algorithm identifiers listed in the TPM 2.0 library specification, Part 2.
 *
 * <p>Identifiers up to {@link #XMSS} are in library revision 1.59 through 1.83; the keyed-XOF
 * and KMAC identifiers and the ML-KEM / ML-DSA identifiers came later (algorithm registry and
 * library version 1.85).
 */
public enum TpmAlg {
    /** Marks an error or an absent algorithm; never a usable algorithm. */
    ERROR(0x0000),
    RSA(0x0001),
    TDES(0x0003),
    SHA1(0x0004, 20),
    HMAC(0x0005),
    AES(0x0006),
    MGF1(0x0007),
    KEYEDHASH(0x0008),
    XOR(0x000A),
    SHA256(0x000B, 32),
    SHA384(0x000C, 48),
    SHA512(0x000D, 64),
    /** SHA-256 truncated to 192 bits. */
    SHA256_192(0x000E, 24),
    NULL(0x0010),
    SM3_256(0x0012, 32),
    SM4(0x0013),
    RSASSA(0x0014),
    RSAES(0x0015),
    RSAPSS(0x0016),
    OAEP(0x0017),
    ECDSA(0x0018),
    ECDH(0x0019),
    ECDAA(0x001A),
    SM2(0x001B),
    ECSCHNORR(0x001C),
    ECMQV(0x001D),
    KDF1_SP800_56A(0x0020),
    KDF2(0x0021),
    KDF1_SP800_108(0x0022),
    ECC(0x0023),
    SYMCIPHER(0x0025),
    CAMELLIA(0x0026),
    SHA3_256(0x0027, 32),
    SHA3_384(0x0028, 48),
    SHA3_512(0x0029, 64),
    /** Extendable-output function: no fixed digest size. */
    SHAKE128(0x002A),
    /** Extendable-output function: no fixed digest size. */
    SHAKE256(0x002B),
    SHAKE256_192(0x002C, 24),
    SHAKE256_256(0x002D, 32),
    SHAKE256_512(0x002E, 64),
    CMAC(0x003F),
    CTR(0x0040),
    OFB(0x0041),
    CBC(0x0042),
    CFB(0x0043),
    ECB(0x0044),
    CCM(0x0050),
    GCM(0x0051),
    KW(0x0052),
    KWP(0x0053),
    EAX(0x0054),
    EDDSA(0x0060),
    /** Pre-hashed EdDSA; tpm2-tss calls it {@code TPM2_ALG_HASH_EDDSA}. */
    EDDSA_PH(0x0061),
    LMS(0x0070),
    XMSS(0x0071),
    KEYEDXOF(0x0080),
    KMACXOF128(0x0081),
    KMACXOF256(0x0082),
    KMAC128(0x0090),
    KMAC256(0x0091),
    MLKEM(0x00A0),
    MLDSA(0x00A1),
    HASH_MLDSA(0x00A2);

    private static final Map<Integer, TpmAlg> BY_VALUE = ValueIndex.of(values(), TpmAlg::value, "TPM_ALG_ID");

    private final int value;
    private final int digestSize;
    private final String shortName;

    TpmAlg(int value) {
        this(value, 0);
    }

    TpmAlg(int value, int digestSize) {
        this.value = value;
        this.digestSize = digestSize;
        this.shortName = name().toLowerCase(Locale.ROOT);
    }

    /** The 16-bit identifier as it appears on the wire. */
    public int value() {
        return value;
    }

    /** The identifier's name in the specification, such as {@code TPM_ALG_SHA256}. */
    public String specName() {
        return "TPM_ALG_" + name();
    }

    /** Digest length in bytes for a hash with a fixed output size; empty for everything else. */
    public OptionalInt digestSize() {
        return digestSize == 0 ? OptionalInt.empty() : OptionalInt.of(digestSize);
    }

    /** The algorithm with this identifier, or empty when the identifier is not listed. */
    public static Optional<TpmAlg> of(int value) {
        return Optional.ofNullable(BY_VALUE.get(value));
    }

    /**
     * A short lowercase name such as {@code "sha256"} or {@code "keyedhash"} for a listed
     * identifier, and {@code "alg 0x1234"} for any other.
     */
    public static String describe(int value) {
        TpmAlg known = BY_VALUE.get(value);
        return known != null ? known.shortName : String.format("alg 0x%04x", value);
    }
}
