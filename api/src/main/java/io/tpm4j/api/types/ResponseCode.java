package io.tpm4j.api.types;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A TPM_RC response code as received, decoded by the rules of TPM 2.0 Part 2 ("TPM_RC").
 *
 * <p>The low 16 bits are the TPM's code; bits 16..23 name the software layer that produced it,
 * numbered as tpm2-tss does (0 = the TPM itself). The Linux kernel's {@code /dev/tpmrm0} answers
 * with layer 11 plus an ordinary TPM code (for example {@code 0x000b0143}, a command it refuses),
 * and tpm2-tss likewise reads layers 11 and 12 as TPM codes from a resource manager, so codes in
 * those layers are decoded like the TPM's.
 * Codes from other layers are TSS-specific; only {@link #layer()} and {@link #baseCode()} say
 * anything about them.
 *
 * <p>Bit 7 of the TPM's code selects the format. Format one ({@code 0x080} set) carries a 6-bit
 * error number plus the number of the handle, session or parameter at fault. Format zero carries
 * a 7-bit error number and the flags V (bit 8, set for TPM 2.0 codes), T (bit 10, vendor-defined)
 * and S (bit 11, warning).
 *
 * <p>{@link TpmRc#BAD_TAG} ({@code 0x01E}) has V clear because TPM 2.0 reuses TPM 1.2's number
 * for a bad command tag: such a code is both {@link #isTpm12()} and {@code is(TpmRc.BAD_TAG)}.
 */
public record ResponseCode(int raw) {

    /** Layer of codes that come straight from the TPM. */
    public static final int TPM_LAYER = 0;
    /** Resource-manager layer; also what the Linux kernel's tpmrm device uses for its own refusals. */
    public static final int RESOURCE_MANAGER_LAYER = 11;
    /** Second resource-manager layer of tpm2-tss, also carrying TPM-format codes. */
    public static final int RESOURCE_MANAGER_TPM_LAYER = 12;
    /**
     * What tpm4j's RM server answers when the TPM behind it is gone (TPM_RC_FAILURE in the resource-manager
     * layer) before it closes the connection; its socket transport turns it into TpmDeviceRemovedException.
     */
    public static final int RM_TPM_GONE = (RESOURCE_MANAGER_LAYER << 16) | TpmRc.FAILURE.value();

    private static final int FORMAT_ONE = 0x080;
    private static final int PARAMETER_FLAG = 0x040;
    private static final int VERSION_FLAG = 0x100;
    private static final int VENDOR_FLAG = 0x400;
    private static final int SEVERITY_FLAG = 0x800;

    /** True when the command succeeded: {@code raw == 0}, since success carries no layer. */
    public boolean isSuccess() {
        return raw == 0;
    }

    /** Bits 16..23: the software layer that produced the code; 0 for the TPM. */
    public int layer() {
        return (raw >>> 16) & 0xFF;
    }

    /** A short name for {@link #layer()} following tpm2-tss, or {@code "layer N"} when unassigned. */
    public String layerName() {
        return switch (layer()) {
            case TPM_LAYER -> "TPM";
            case 6 -> "FAPI";
            case 7 -> "ESAPI";
            case 8 -> "SAPI";
            case 9 -> "MU";
            case 10 -> "TCTI";
            case RESOURCE_MANAGER_LAYER -> "resource manager";
            case RESOURCE_MANAGER_TPM_LAYER -> "resource manager (TPM)";
            case 13 -> "driver";
            default -> "layer " + layer();
        };
    }

    /** True when the TPM-format code is format one (bit 7 set). */
    public boolean isFormat1() {
        return carriesTpmCode() && (tpmPart() & FORMAT_ONE) != 0;
    }

    /** True for a TPM 2.0 warning: format zero with V and S set. The command may succeed if sent again later. */
    public boolean isWarning() {
        return isFormatZeroVersion2() && (tpmPart() & SEVERITY_FLAG) != 0;
    }

    /** True for a TPM 2.0 format-zero code with T set: its meaning is the TPM vendor's, not the specification's. */
    public boolean isVendorDefined() {
        return isFormatZeroVersion2() && (tpmPart() & VENDOR_FLAG) != 0;
    }

    /** True for a non-zero format-zero code with V clear: a TPM 1.2-style code (including {@link TpmRc#BAD_TAG}). */
    public boolean isTpm12() {
        return carriesTpmCode() && tpmPart() != 0
                && (tpmPart() & FORMAT_ONE) == 0 && (tpmPart() & VERSION_FLAG) == 0;
    }

    /**
     * The code with the layer and any handle, session or parameter number removed, comparable
     * with {@link TpmRc#value()}.
     *
     * <p>Format one: {@code 0x080 | (code & 0x03F)}. Format zero: the whole low 12 bits, so the
     * T flag stays in and a vendor-defined code never equals a {@link TpmRc}. For a layer that
     * does not carry TPM codes: the layer's own low 16 bits.
     */
    public int baseCode() {
        int code = tpmPart();
        if (!carriesTpmCode()) {
            return code;
        }
        if ((code & FORMAT_ONE) != 0) {
            return FORMAT_ONE | (code & 0x3F);
        }
        return code & 0xFFF;
    }

    /** The specification's code this is, ignoring handle, session and parameter numbers; empty when unknown or not a TPM code. */
    public Optional<TpmRc> rc() {
        if (!carriesTpmCode() || isVendorDefined() || (raw != 0 && tpmPart() == 0)) {
            return Optional.empty();
        }
        return TpmRc.of(baseCode());
    }

    /** Whether this is {@code rc}, whatever handle, session or parameter it names. */
    public boolean is(TpmRc rc) {
        Objects.requireNonNull(rc, "rc");
        return rc().orElse(null) == rc;
    }

    /**
     * For a format-one code about a parameter, its 1-based number; 0 means the TPM did not say
     * which parameter.
     */
    public OptionalInt parameterNumber() {
        if (!isFormat1() || (tpmPart() & PARAMETER_FLAG) == 0) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(numberField());
    }

    /** For a format-one code about a handle, its number, 1 to 7. */
    public OptionalInt handleNumber() {
        if (!isFormat1() || (tpmPart() & PARAMETER_FLAG) != 0) {
            return OptionalInt.empty();
        }
        int n = numberField();
        return n >= 1 && n <= 7 ? OptionalInt.of(n) : OptionalInt.empty();
    }

    /**
     * For a format-one code about a session, its number, 1 to 7; 0 means the TPM said a session
     * was at fault but not which one.
     */
    public OptionalInt sessionNumber() {
        if (!isFormat1() || (tpmPart() & PARAMETER_FLAG) != 0) {
            return OptionalInt.empty();
        }
        int n = numberField();
        return n >= 8 ? OptionalInt.of(n - 8) : OptionalInt.empty();
    }

    /** One readable line: name, raw value, meaning, and the handle, session or parameter at fault. */
    public String describe() {
        String hex = String.format("0x%08x", raw);
        if (isSuccess()) {
            return TpmRc.SUCCESS.specName() + " (" + hex + "): " + TpmRc.SUCCESS.meaning();
        }
        String layerPrefix = layer() == TPM_LAYER ? "" : layerName() + ": ";
        if (!carriesTpmCode()) {
            return layerPrefix + "error " + hex + " (code " + (raw & 0xFFFF) + ")";
        }
        Optional<TpmRc> known = rc();
        if (known.isPresent()) {
            TpmRc rc = known.get();
            String severity = isWarning() ? "warning: " : "";
            return layerPrefix + rc.specName() + " (" + hex + "): " + severity + rc.meaning() + position();
        }
        if (isVendorDefined()) {
            return layerPrefix + "vendor-defined response code " + hex;
        }
        if (isTpm12()) {
            return layerPrefix + "TPM 1.2 response code " + hex;
        }
        return layerPrefix + "unknown TPM response code " + hex + position();
    }

    @Override
    public String toString() {
        return describe();
    }

    private String position() {
        OptionalInt parameter = parameterNumber();
        if (parameter.isPresent()) {
            return parameter.getAsInt() == 0 ? " — parameter (unspecified)" : " — parameter " + parameter.getAsInt();
        }
        OptionalInt handle = handleNumber();
        if (handle.isPresent()) {
            return " — handle " + handle.getAsInt();
        }
        OptionalInt session = sessionNumber();
        if (session.isPresent()) {
            return session.getAsInt() == 0 ? " — session (unspecified)" : " — session " + session.getAsInt();
        }
        return "";
    }

    private boolean isFormatZeroVersion2() {
        return carriesTpmCode() && (tpmPart() & FORMAT_ONE) == 0 && (tpmPart() & VERSION_FLAG) != 0;
    }

    /** Whether the low 16 bits follow the TPM's TPM_RC layout rather than a TSS layer's own codes. */
    private boolean carriesTpmCode() {
        int layer = layer();
        return layer == TPM_LAYER || layer == RESOURCE_MANAGER_LAYER || layer == RESOURCE_MANAGER_TPM_LAYER;
    }

    private int tpmPart() {
        return raw & 0xFFFF;
    }

    private int numberField() {
        return (tpmPart() >>> 8) & 0xF;
    }
}
