package io.tpm4j.api.types;

import java.util.Map;
import java.util.Optional;

/** TPM_CAP: the capability groups of TPM2_GetCapability. */
public enum TpmCap {
    ALGS(0x00),
    HANDLES(0x01),
    COMMANDS(0x02),
    PP_COMMANDS(0x03),
    AUDIT_COMMANDS(0x04),
    PCRS(0x05),
    TPM_PROPERTIES(0x06),
    PCR_PROPERTIES(0x07),
    ECC_CURVES(0x08),
    AUTH_POLICIES(0x09),
    ACT(0x0A),
    VENDOR_PROPERTY(0x100);

    private static final Map<Integer, TpmCap> BY_VALUE = ValueIndex.of(values(), TpmCap::value, "TPM_CAP");

    private final int value;

    TpmCap(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static Optional<TpmCap> of(int value) {
        return Optional.ofNullable(BY_VALUE.get(value));
    }
}
