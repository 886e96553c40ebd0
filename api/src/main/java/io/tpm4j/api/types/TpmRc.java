package io.tpm4j.api.types;

import java.util.Map;
import java.util.Optional;

/**
 * TPM_RC: the base response codes of the TPM 2.0 library specification, Part 2.
 *
 * <p>{@link #value()} is the code with no handle, session or parameter number in it, which is
 * what {@link ResponseCode#baseCode()} yields for a response from the TPM. Format-zero codes are
 * {@code 0x100 + n}, format-one codes {@code 0x080 + n}, warnings {@code 0x900 + n}.
 * {@link #READ_ONLY}, {@link #CHANNEL} and {@link #CHANNEL_KEY} arrived in library version 1.84;
 * {@link #PARMS}, {@link #EXT_MU}, {@link #ONE_SHOT_SIGNATURE} and {@link #SIGN_CONTEXT_KEY} in 1.85.
 */
public enum TpmRc {
    SUCCESS(0x000, "the command completed successfully"),
    /** Same number as TPM 1.2's TPM_BADTAG, so that either kind of caller understands it. */
    BAD_TAG(0x01E, "the command tag is not one the TPM accepts"),

    // Format zero: RC_VER1 (0x100) + error number
    INITIALIZE(0x100, "TPM2_Startup has not been run yet, or was run twice"),
    FAILURE(0x101, "the TPM is in failure mode and accepts only a few commands"),
    SEQUENCE(0x103, "a sequence handle was used in the wrong way"),
    PRIVATE(0x10B, "reserved; not returned by current TPMs"),
    HMAC(0x119, "reserved; not returned by current TPMs"),
    DISABLED(0x120, "the command is disabled"),
    EXCLUSIVE(0x121, "an exclusive audit session was required and the command broke exclusivity"),
    AUTH_TYPE(0x124, "the kind of authorization used does not fit this handle"),
    AUTH_MISSING(0x125, "the command needs an authorization session for a handle and none was given"),
    POLICY(0x126, "a policy calculation failed or an authPolicy value is not valid"),
    PCR(0x127, "the PCR check did not pass"),
    PCR_CHANGED(0x128, "PCR values changed since the policy session checked them"),
    UPGRADE(0x12D, "the TPM is in field-upgrade mode, or TPM2_FieldUpgradeData ran outside it"),
    TOO_MANY_CONTEXTS(0x12E, "the context ID counter has reached its limit"),
    AUTH_UNAVAILABLE(0x12F, "the entity's authValue or authPolicy cannot be used here"),
    REBOOT(0x130, "the TPM must be reset (_TPM_Init then Startup(CLEAR)) before it continues"),
    UNBALANCED(0x131, "the session's hash is too weak for its symmetric key size"),
    COMMAND_SIZE(0x142, "commandSize disagrees with the bytes received or is too small for a header"),
    COMMAND_CODE(0x143, "the TPM does not implement this command code"),
    AUTHSIZE(0x144, "authorizationSize is out of range or the authorization area is too long"),
    AUTH_CONTEXT(0x145, "an authorization session was given to a command that takes none"),
    NV_RANGE(0x146, "the NV offset plus size is outside the index"),
    NV_SIZE(0x147, "the requested NV size is larger than allowed"),
    NV_LOCKED(0x148, "the NV index is locked against this access"),
    NV_AUTHORIZATION(0x149, "NV access authorization failed (no dictionary-attack penalty)"),
    NV_UNINITIALIZED(0x14A, "the NV index was read before being written, or saved state could not be restored"),
    NV_SPACE(0x14B, "there is not enough NV memory for the allocation"),
    NV_DEFINED(0x14C, "the NV index or persistent handle is already in use"),
    BAD_CONTEXT(0x150, "the context given to TPM2_ContextLoad is not valid"),
    CPHASH(0x151, "cpHash is already set in the session or does not match"),
    PARENT(0x152, "the parent handle does not refer to a valid parent"),
    NEEDS_TEST(0x153, "a function this command needs has not passed its self-test yet"),
    NO_RESULT(0x154, "an internal function could not produce a result, usually because of a bad parameter"),
    SENSITIVE(0x155, "the sensitive area did not unmarshal correctly after decryption"),
    READ_ONLY(0x156, "the TPM is in read-only mode and refuses changes"),

    // Format one: RC_FMT1 (0x080) + error number; the response adds a handle, session or parameter number
    ASYMMETRIC(0x081, "the asymmetric algorithm is not supported or not right for this use"),
    ATTRIBUTES(0x082, "the attributes are inconsistent"),
    HASH(0x083, "the hash algorithm is not supported or not right for this use"),
    VALUE(0x084, "the value is out of range or wrong for the context"),
    HIERARCHY(0x085, "the hierarchy is disabled or not right for this use"),
    KEY_SIZE(0x087, "the key size is not supported"),
    MGF(0x088, "the mask generation function is not supported"),
    MODE(0x089, "the mode of operation is not supported"),
    TYPE(0x08A, "the type of the value is not right for this use"),
    HANDLE(0x08B, "the handle is not correct for its use"),
    KDF(0x08C, "the key derivation function is not supported or not right for this use"),
    RANGE(0x08D, "the value is outside its allowed range"),
    AUTH_FAIL(0x08E, "authorization failed and the dictionary-attack counter went up"),
    NONCE(0x08F, "the nonce has the wrong size or does not match"),
    PP(0x090, "physical presence must be asserted for this authorization"),
    SCHEME(0x092, "the scheme is not supported or does not fit the key"),
    SIZE(0x095, "a structure has the wrong size"),
    SYMMETRIC(0x096, "the symmetric algorithm or key size is not supported or not right here"),
    TAG(0x097, "a structure tag is wrong"),
    SELECTOR(0x098, "a union selector is wrong"),
    INSUFFICIENT(0x09A, "the input ended before a value could be unmarshalled"),
    SIGNATURE(0x09B, "the signature does not verify"),
    KEY(0x09C, "the key's fields do not fit the requested use"),
    POLICY_FAIL(0x09D, "a policy check failed"),
    INTEGRITY(0x09F, "an integrity check failed"),
    TICKET(0x0A0, "the ticket is not valid"),
    RESERVED_BITS(0x0A1, "reserved bits are set that must be zero"),
    BAD_AUTH(0x0A2, "authorization failed (no dictionary-attack penalty)"),
    EXPIRED(0x0A3, "the policy has expired"),
    POLICY_CC(0x0A4, "the command code bound in the policy does not match or is not implemented"),
    BINDING(0x0A5, "the public and sensitive parts of the object do not belong together"),
    CURVE(0x0A6, "the ECC curve is not supported"),
    ECC_POINT(0x0A7, "the point is not on the curve"),
    FW_LIMITED(0x0A8, "the command needs the firmware secret, which is not available"),
    SVN_LIMITED(0x0A9, "the command needs the firmware SVN secret, which is not available"),
    PARMS(0x0AA, "the parameter set is not supported"),
    EXT_MU(0x0AB, "an externally computed mu is not supported for this key"),
    ONE_SHOT_SIGNATURE(0x0AC, "this key cannot sign a streamed message; send it whole to the completing command"),
    SIGN_CONTEXT_KEY(0x0AD, "the key finishing the signature sequence is not the one that started it"),
    CHANNEL(0x0B0, "the command must be sent over a secure channel"),
    CHANNEL_KEY(0x0B1, "the secure channel was not set up with the required requester or TPM key"),

    // Warnings: RC_WARN (0x900) + number
    CONTEXT_GAP(0x901, "the gap between saved context IDs is too large; reload the oldest session"),
    OBJECT_MEMORY(0x902, "no room for another object; flush or save one"),
    SESSION_MEMORY(0x903, "no room for another session; flush or save one"),
    MEMORY(0x904, "the TPM ran out of shared object/session memory"),
    SESSION_HANDLES(0x905, "no session handles left; flush a session first"),
    OBJECT_HANDLES(0x906, "no object handles left; the TPM must be restarted"),
    LOCALITY(0x907, "the command is not allowed from this locality"),
    YIELDED(0x908, "the TPM paused the command after making progress; send it again"),
    CANCELED(0x909, "the command was canceled"),
    TESTING(0x90A, "the TPM is running self-tests"),
    REFERENCE_H0(0x910, "handle 1 refers to an object or session that is not loaded"),
    REFERENCE_H1(0x911, "handle 2 refers to an object or session that is not loaded"),
    REFERENCE_H2(0x912, "handle 3 refers to an object or session that is not loaded"),
    REFERENCE_H3(0x913, "handle 4 refers to an object or session that is not loaded"),
    REFERENCE_H4(0x914, "handle 5 refers to an object or session that is not loaded"),
    REFERENCE_H5(0x915, "handle 6 refers to an object or session that is not loaded"),
    REFERENCE_H6(0x916, "handle 7 refers to an object or session that is not loaded"),
    REFERENCE_S0(0x918, "session 1 refers to a session that is not loaded"),
    REFERENCE_S1(0x919, "session 2 refers to a session that is not loaded"),
    REFERENCE_S2(0x91A, "session 3 refers to a session that is not loaded"),
    REFERENCE_S3(0x91B, "session 4 refers to a session that is not loaded"),
    REFERENCE_S4(0x91C, "session 5 refers to a session that is not loaded"),
    REFERENCE_S5(0x91D, "session 6 refers to a session that is not loaded"),
    REFERENCE_S6(0x91E, "session 7 refers to a session that is not loaded"),
    NV_RATE(0x920, "the TPM is slowing NV writes to avoid wearing out NV memory"),
    LOCKOUT(0x921, "the TPM is in dictionary-attack lockout and refuses protected authorizations"),
    RETRY(0x922, "the TPM was not able to start the command; send it again"),
    NV_UNAVAILABLE(0x923, "the command may need to write NV and NV is not accessible now"),
    NOT_USED(0x97F, "reserved; a TPM never returns it");

    private static final Map<Integer, TpmRc> BY_VALUE = ValueIndex.of(values(), TpmRc::value, "TPM_RC");

    private final int value;
    private final String meaning;

    TpmRc(int value, String meaning) {
        this.value = value;
        this.meaning = meaning;
    }

    /** The base code, without handle, session or parameter number and without a layer. */
    public int value() {
        return value;
    }

    /** The code's name in the specification, such as {@code TPM_RC_HANDLE}. */
    public String specName() {
        return "TPM_RC_" + name();
    }

    /** A short plain-English explanation of the code. */
    public String meaning() {
        return meaning;
    }

    /** The code whose base value is {@code baseValue}, or empty if the specification defines none. */
    public static Optional<TpmRc> of(int baseValue) {
        return Optional.ofNullable(BY_VALUE.get(baseValue));
    }
}
