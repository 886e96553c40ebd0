package io.tpm4j.api.types;

/** TPMS_TAGGED_PROPERTY: a TPM_PT property and its 32-bit value. */
public record TaggedProperty(int property, int value) {

    @Override
    public String toString() {
        return TpmPt.describe(property) + "=" + Integer.toUnsignedString(value);
    }
}
