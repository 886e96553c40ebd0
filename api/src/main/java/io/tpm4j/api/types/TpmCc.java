package io.tpm4j.api.types;

import java.util.Map;
import java.util.Optional;

/**
 * TPM_CC: the command codes of the TPM 2.0 library specification, Part 2.
 *
 * <p>Codes 0x11F..0x19F are from library revision 1.59 through 1.83, 0x1A0..0x1A1 from
 * version 1.84 and 0x1A3..0x1AA from version 1.85 (post-quantum sign, verify and KEM commands).
 * {@code TPM2_MAC} and {@code TPM2_MAC_Start} share their codes with {@link #HMAC} and
 * {@link #HMAC_START}; a TPM implements one name or the other, so one constant stands for both.
 */
public enum TpmCc {
    NV_UNDEFINE_SPACE_SPECIAL(0x11F, "NV_UndefineSpaceSpecial"),
    EVICT_CONTROL(0x120, "EvictControl"),
    HIERARCHY_CONTROL(0x121, "HierarchyControl"),
    NV_UNDEFINE_SPACE(0x122, "NV_UndefineSpace"),
    CHANGE_EPS(0x124, "ChangeEPS"),
    CHANGE_PPS(0x125, "ChangePPS"),
    CLEAR(0x126, "Clear"),
    CLEAR_CONTROL(0x127, "ClearControl"),
    CLOCK_SET(0x128, "ClockSet"),
    HIERARCHY_CHANGE_AUTH(0x129, "HierarchyChangeAuth"),
    NV_DEFINE_SPACE(0x12A, "NV_DefineSpace"),
    PCR_ALLOCATE(0x12B, "PCR_Allocate"),
    PCR_SET_AUTH_POLICY(0x12C, "PCR_SetAuthPolicy"),
    PP_COMMANDS(0x12D, "PP_Commands"),
    SET_PRIMARY_POLICY(0x12E, "SetPrimaryPolicy"),
    FIELD_UPGRADE_START(0x12F, "FieldUpgradeStart"),
    CLOCK_RATE_ADJUST(0x130, "ClockRateAdjust"),
    CREATE_PRIMARY(0x131, "CreatePrimary"),
    NV_GLOBAL_WRITE_LOCK(0x132, "NV_GlobalWriteLock"),
    GET_COMMAND_AUDIT_DIGEST(0x133, "GetCommandAuditDigest"),
    NV_INCREMENT(0x134, "NV_Increment"),
    NV_SET_BITS(0x135, "NV_SetBits"),
    NV_EXTEND(0x136, "NV_Extend"),
    NV_WRITE(0x137, "NV_Write"),
    NV_WRITE_LOCK(0x138, "NV_WriteLock"),
    DICTIONARY_ATTACK_LOCK_RESET(0x139, "DictionaryAttackLockReset"),
    DICTIONARY_ATTACK_PARAMETERS(0x13A, "DictionaryAttackParameters"),
    NV_CHANGE_AUTH(0x13B, "NV_ChangeAuth"),
    PCR_EVENT(0x13C, "PCR_Event"),
    PCR_RESET(0x13D, "PCR_Reset"),
    SEQUENCE_COMPLETE(0x13E, "SequenceComplete"),
    SET_ALGORITHM_SET(0x13F, "SetAlgorithmSet"),
    SET_COMMAND_CODE_AUDIT_STATUS(0x140, "SetCommandCodeAuditStatus"),
    FIELD_UPGRADE_DATA(0x141, "FieldUpgradeData"),
    INCREMENTAL_SELF_TEST(0x142, "IncrementalSelfTest"),
    SELF_TEST(0x143, "SelfTest"),
    STARTUP(0x144, "Startup"),
    SHUTDOWN(0x145, "Shutdown"),
    STIR_RANDOM(0x146, "StirRandom"),
    ACTIVATE_CREDENTIAL(0x147, "ActivateCredential"),
    CERTIFY(0x148, "Certify"),
    POLICY_NV(0x149, "PolicyNV"),
    CERTIFY_CREATION(0x14A, "CertifyCreation"),
    DUPLICATE(0x14B, "Duplicate"),
    GET_TIME(0x14C, "GetTime"),
    GET_SESSION_AUDIT_DIGEST(0x14D, "GetSessionAuditDigest"),
    NV_READ(0x14E, "NV_Read"),
    NV_READ_LOCK(0x14F, "NV_ReadLock"),
    OBJECT_CHANGE_AUTH(0x150, "ObjectChangeAuth"),
    POLICY_SECRET(0x151, "PolicySecret"),
    REWRAP(0x152, "Rewrap"),
    CREATE(0x153, "Create"),
    ECDH_ZGEN(0x154, "ECDH_ZGen"),
    /** Also {@code TPM2_MAC} on a TPM that implements CMAC. */
    HMAC(0x155, "HMAC"),
    IMPORT(0x156, "Import"),
    LOAD(0x157, "Load"),
    QUOTE(0x158, "Quote"),
    RSA_DECRYPT(0x159, "RSA_Decrypt"),
    /** Also {@code TPM2_MAC_Start} on a TPM that implements CMAC. */
    HMAC_START(0x15B, "HMAC_Start"),
    SEQUENCE_UPDATE(0x15C, "SequenceUpdate"),
    SIGN(0x15D, "Sign"),
    UNSEAL(0x15E, "Unseal"),
    POLICY_SIGNED(0x160, "PolicySigned"),
    CONTEXT_LOAD(0x161, "ContextLoad"),
    CONTEXT_SAVE(0x162, "ContextSave"),
    ECDH_KEY_GEN(0x163, "ECDH_KeyGen"),
    ENCRYPT_DECRYPT(0x164, "EncryptDecrypt"),
    FLUSH_CONTEXT(0x165, "FlushContext"),
    LOAD_EXTERNAL(0x167, "LoadExternal"),
    MAKE_CREDENTIAL(0x168, "MakeCredential"),
    NV_READ_PUBLIC(0x169, "NV_ReadPublic"),
    POLICY_AUTHORIZE(0x16A, "PolicyAuthorize"),
    POLICY_AUTH_VALUE(0x16B, "PolicyAuthValue"),
    POLICY_COMMAND_CODE(0x16C, "PolicyCommandCode"),
    POLICY_COUNTER_TIMER(0x16D, "PolicyCounterTimer"),
    POLICY_CP_HASH(0x16E, "PolicyCpHash"),
    POLICY_LOCALITY(0x16F, "PolicyLocality"),
    POLICY_NAME_HASH(0x170, "PolicyNameHash"),
    POLICY_OR(0x171, "PolicyOR"),
    POLICY_TICKET(0x172, "PolicyTicket"),
    READ_PUBLIC(0x173, "ReadPublic"),
    RSA_ENCRYPT(0x174, "RSA_Encrypt"),
    START_AUTH_SESSION(0x176, "StartAuthSession"),
    VERIFY_SIGNATURE(0x177, "VerifySignature"),
    ECC_PARAMETERS(0x178, "ECC_Parameters"),
    FIRMWARE_READ(0x179, "FirmwareRead"),
    GET_CAPABILITY(0x17A, "GetCapability"),
    GET_RANDOM(0x17B, "GetRandom"),
    GET_TEST_RESULT(0x17C, "GetTestResult"),
    HASH(0x17D, "Hash"),
    PCR_READ(0x17E, "PCR_Read"),
    POLICY_PCR(0x17F, "PolicyPCR"),
    POLICY_RESTART(0x180, "PolicyRestart"),
    READ_CLOCK(0x181, "ReadClock"),
    PCR_EXTEND(0x182, "PCR_Extend"),
    PCR_SET_AUTH_VALUE(0x183, "PCR_SetAuthValue"),
    NV_CERTIFY(0x184, "NV_Certify"),
    EVENT_SEQUENCE_COMPLETE(0x185, "EventSequenceComplete"),
    HASH_SEQUENCE_START(0x186, "HashSequenceStart"),
    POLICY_PHYSICAL_PRESENCE(0x187, "PolicyPhysicalPresence"),
    POLICY_DUPLICATION_SELECT(0x188, "PolicyDuplicationSelect"),
    POLICY_GET_DIGEST(0x189, "PolicyGetDigest"),
    TEST_PARMS(0x18A, "TestParms"),
    COMMIT(0x18B, "Commit"),
    POLICY_PASSWORD(0x18C, "PolicyPassword"),
    ZGEN_2PHASE(0x18D, "ZGen_2Phase"),
    EC_EPHEMERAL(0x18E, "EC_Ephemeral"),
    POLICY_NV_WRITTEN(0x18F, "PolicyNvWritten"),
    POLICY_TEMPLATE(0x190, "PolicyTemplate"),
    CREATE_LOADED(0x191, "CreateLoaded"),
    POLICY_AUTHORIZE_NV(0x192, "PolicyAuthorizeNV"),
    ENCRYPT_DECRYPT_2(0x193, "EncryptDecrypt2"),
    AC_GET_CAPABILITY(0x194, "AC_GetCapability"),
    AC_SEND(0x195, "AC_Send"),
    POLICY_AC_SEND_SELECT(0x196, "Policy_AC_SendSelect"),
    CERTIFY_X509(0x197, "CertifyX509"),
    ACT_SET_TIMEOUT(0x198, "ACT_SetTimeout"),
    ECC_ENCRYPT(0x199, "ECC_Encrypt"),
    ECC_DECRYPT(0x19A, "ECC_Decrypt"),
    POLICY_CAPABILITY(0x19B, "PolicyCapability"),
    POLICY_PARAMETERS(0x19C, "PolicyParameters"),
    NV_DEFINE_SPACE_2(0x19D, "NV_DefineSpace2"),
    NV_READ_PUBLIC_2(0x19E, "NV_ReadPublic2"),
    SET_CAPABILITY(0x19F, "SetCapability"),
    READ_ONLY_CONTROL(0x1A0, "ReadOnlyControl"),
    POLICY_TRANSPORT_SPDM(0x1A1, "PolicyTransportSPDM"),
    VERIFY_SEQUENCE_COMPLETE(0x1A3, "VerifySequenceComplete"),
    SIGN_SEQUENCE_COMPLETE(0x1A4, "SignSequenceComplete"),
    VERIFY_DIGEST_SIGNATURE(0x1A5, "VerifyDigestSignature"),
    SIGN_DIGEST(0x1A6, "SignDigest"),
    ENCAPSULATE(0x1A7, "Encapsulate"),
    DECAPSULATE(0x1A8, "Decapsulate"),
    VERIFY_SEQUENCE_START(0x1A9, "VerifySequenceStart"),
    SIGN_SEQUENCE_START(0x1AA, "SignSequenceStart"),
    /** The one vendor command the specification names, used to test command dispatch. */
    VENDOR_TCG_TEST(0x2000_0000, "Vendor_TCG_Test");

    /** TPMA_CC bit 29 (V): set in every vendor-specific command code. */
    public static final int VENDOR_BIT = 0x2000_0000;

    private static final Map<Integer, TpmCc> BY_VALUE = ValueIndex.of(values(), TpmCc::value, "TPM_CC");

    private final int value;
    private final String specName;

    TpmCc(int value, String nameWithoutPrefix) {
        this.value = value;
        this.specName = "TPM2_" + nameWithoutPrefix;
    }

    /** The 32-bit command code as sent in a command header. */
    public int value() {
        return value;
    }

    /** The command's name in the specification, such as {@code TPM2_GetRandom}. */
    public String specName() {
        return specName;
    }

    /** The command with this code, or empty when the code is not one the specification defines. */
    public static Optional<TpmCc> of(int code) {
        return Optional.ofNullable(BY_VALUE.get(code));
    }

    /**
     * A readable name for any command code: {@code "TPM2_GetRandom (0x0000017b)"} when known,
     * {@code "vendor command 0x20001000"} when only the vendor bit tells what it is, otherwise
     * {@code "unknown command 0x00000999"}.
     */
    public static String describe(int code) {
        TpmCc known = BY_VALUE.get(code);
        if (known != null) {
            return known.specName + " (" + hex(code) + ")";
        }
        if ((code & VENDOR_BIT) != 0) {
            return "vendor command " + hex(code);
        }
        return "unknown command " + hex(code);
    }

    private static String hex(int code) {
        return String.format("0x%08x", code);
    }
}
