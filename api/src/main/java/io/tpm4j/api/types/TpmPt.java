package io.tpm4j.api.types;

import java.util.Map;
import java.util.Optional;

/**
 * TPM_PT: the property tags reported by {@code TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES)}.
 *
 * <p>Properties come in two groups: {@link #PT_FIXED} ones change only with a firmware update,
 * {@link #PT_VAR} ones change as the TPM is used. Offset 21 of the fixed group is unassigned.
 */
public enum TpmPt {
    FAMILY_INDICATOR(TpmPt.PT_FIXED + 0),
    LEVEL(TpmPt.PT_FIXED + 1),
    REVISION(TpmPt.PT_FIXED + 2),
    /** Renamed {@code TPM_PT_ERRATA} by library version 1.85; same tag. */
    DAY_OF_YEAR(TpmPt.PT_FIXED + 3),
    YEAR(TpmPt.PT_FIXED + 4),
    MANUFACTURER(TpmPt.PT_FIXED + 5),
    VENDOR_STRING_1(TpmPt.PT_FIXED + 6),
    VENDOR_STRING_2(TpmPt.PT_FIXED + 7),
    VENDOR_STRING_3(TpmPt.PT_FIXED + 8),
    VENDOR_STRING_4(TpmPt.PT_FIXED + 9),
    VENDOR_TPM_TYPE(TpmPt.PT_FIXED + 10),
    FIRMWARE_VERSION_1(TpmPt.PT_FIXED + 11),
    FIRMWARE_VERSION_2(TpmPt.PT_FIXED + 12),
    INPUT_BUFFER(TpmPt.PT_FIXED + 13),
    HR_TRANSIENT_MIN(TpmPt.PT_FIXED + 14),
    HR_PERSISTENT_MIN(TpmPt.PT_FIXED + 15),
    HR_LOADED_MIN(TpmPt.PT_FIXED + 16),
    ACTIVE_SESSIONS_MAX(TpmPt.PT_FIXED + 17),
    PCR_COUNT(TpmPt.PT_FIXED + 18),
    PCR_SELECT_MIN(TpmPt.PT_FIXED + 19),
    CONTEXT_GAP_MAX(TpmPt.PT_FIXED + 20),
    NV_COUNTERS_MAX(TpmPt.PT_FIXED + 22),
    NV_INDEX_MAX(TpmPt.PT_FIXED + 23),
    MEMORY(TpmPt.PT_FIXED + 24),
    CLOCK_UPDATE(TpmPt.PT_FIXED + 25),
    CONTEXT_HASH(TpmPt.PT_FIXED + 26),
    CONTEXT_SYM(TpmPt.PT_FIXED + 27),
    CONTEXT_SYM_SIZE(TpmPt.PT_FIXED + 28),
    ORDERLY_COUNT(TpmPt.PT_FIXED + 29),
    MAX_COMMAND_SIZE(TpmPt.PT_FIXED + 30),
    MAX_RESPONSE_SIZE(TpmPt.PT_FIXED + 31),
    MAX_DIGEST(TpmPt.PT_FIXED + 32),
    MAX_OBJECT_CONTEXT(TpmPt.PT_FIXED + 33),
    MAX_SESSION_CONTEXT(TpmPt.PT_FIXED + 34),
    PS_FAMILY_INDICATOR(TpmPt.PT_FIXED + 35),
    PS_LEVEL(TpmPt.PT_FIXED + 36),
    PS_REVISION(TpmPt.PT_FIXED + 37),
    PS_DAY_OF_YEAR(TpmPt.PT_FIXED + 38),
    PS_YEAR(TpmPt.PT_FIXED + 39),
    SPLIT_MAX(TpmPt.PT_FIXED + 40),
    TOTAL_COMMANDS(TpmPt.PT_FIXED + 41),
    LIBRARY_COMMANDS(TpmPt.PT_FIXED + 42),
    VENDOR_COMMANDS(TpmPt.PT_FIXED + 43),
    NV_BUFFER_MAX(TpmPt.PT_FIXED + 44),
    MODES(TpmPt.PT_FIXED + 45),
    MAX_CAP_BUFFER(TpmPt.PT_FIXED + 46),
    FIRMWARE_SVN(TpmPt.PT_FIXED + 47),
    FIRMWARE_MAX_SVN(TpmPt.PT_FIXED + 48),
    /** The ML-KEM and ML-DSA parameter sets the TPM supports (library version 1.85). */
    ML_PARAMETER_SETS(TpmPt.PT_FIXED + 49),

    PERMANENT(TpmPt.PT_VAR + 0),
    STARTUP_CLEAR(TpmPt.PT_VAR + 1),
    HR_NV_INDEX(TpmPt.PT_VAR + 2),
    HR_LOADED(TpmPt.PT_VAR + 3),
    HR_LOADED_AVAIL(TpmPt.PT_VAR + 4),
    HR_ACTIVE(TpmPt.PT_VAR + 5),
    HR_ACTIVE_AVAIL(TpmPt.PT_VAR + 6),
    HR_TRANSIENT_AVAIL(TpmPt.PT_VAR + 7),
    HR_PERSISTENT(TpmPt.PT_VAR + 8),
    HR_PERSISTENT_AVAIL(TpmPt.PT_VAR + 9),
    NV_COUNTERS(TpmPt.PT_VAR + 10),
    NV_COUNTERS_AVAIL(TpmPt.PT_VAR + 11),
    ALGORITHM_SET(TpmPt.PT_VAR + 12),
    LOADED_CURVES(TpmPt.PT_VAR + 13),
    LOCKOUT_COUNTER(TpmPt.PT_VAR + 14),
    MAX_AUTH_FAIL(TpmPt.PT_VAR + 15),
    LOCKOUT_INTERVAL(TpmPt.PT_VAR + 16),
    LOCKOUT_RECOVERY(TpmPt.PT_VAR + 17),
    NV_WRITE_RECOVERY(TpmPt.PT_VAR + 18),
    AUDIT_COUNTER_0(TpmPt.PT_VAR + 19),
    AUDIT_COUNTER_1(TpmPt.PT_VAR + 20);

    /** Number of tags reserved for each property group. */
    public static final int PT_GROUP = 0x100;
    /** First tag of the fixed group; also the starting property for reading that group. */
    public static final int PT_FIXED = PT_GROUP * 1;
    /** First tag of the variable group; also the starting property for reading that group. */
    public static final int PT_VAR = PT_GROUP * 2;

    private static final Map<Integer, TpmPt> BY_VALUE = ValueIndex.of(values(), TpmPt::value, "TPM_PT");

    private final int value;

    TpmPt(int value) {
        this.value = value;
    }

    /** The 32-bit property tag. */
    public int value() {
        return value;
    }

    /** The tag's name in the specification, such as {@code TPM_PT_MANUFACTURER}. */
    public String specName() {
        return "TPM_PT_" + name();
    }

    /** True for a property that changes only with a firmware update. */
    public boolean isFixed() {
        return value >= PT_FIXED && value < PT_FIXED + PT_GROUP;
    }

    /** The property with this tag, or empty when the tag is not one the specification defines. */
    public static Optional<TpmPt> of(int value) {
        return Optional.ofNullable(BY_VALUE.get(value));
    }

    /** The spec name of a known tag, such as {@code "TPM_PT_MANUFACTURER"}; otherwise {@code "property 0x00000133"}. */
    public static String describe(int value) {
        TpmPt known = BY_VALUE.get(value);
        return known != null ? known.specName() : String.format("property 0x%08x", value);
    }
}
