package io.tpm4j.attest.ek;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Templates;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Where the TCG EK Credential Profile stores EK certificates in NV, and the template of the EK each certifies. The
 * low range (templates L-1, L-2) may also hold a nonce and a template index that change the EK the certificate is
 * for; the high range (H-1 to H-7) always uses the profile's template with an empty unique field.
 */
public enum EkSlot {

    RSA_2048_LOW(0x01C00002, 0x01C00003, 0x01C00004, Templates::ekRsa2048),
    ECC_NIST_P256_LOW(0x01C0000A, 0x01C0000B, 0x01C0000C, Templates::ekEccP256),
    RSA_2048(0x01C00012, Templates::ekHighRangeRsa2048),
    ECC_NIST_P256(0x01C00014, Templates::ekHighRangeEccP256),
    ECC_NIST_P384(0x01C00016, Templates::ekHighRangeEccP384),
    ECC_NIST_P521(0x01C00018, Templates::ekHighRangeEccP521),
    /** H-5: tpm4j has no SM2 template, so its certificate can be read but its EK not recreated. */
    ECC_SM2_P256(0x01C0001A, null),
    RSA_3072(0x01C0001C, Templates::ekHighRangeRsa3072),
    RSA_4096(0x01C0001E, Templates::ekHighRangeRsa4096);

    /** The first and last NV index of the profile's EK certificate chain range. */
    public static final int CHAIN_FIRST = 0x01C00100;
    public static final int CHAIN_LAST = 0x01C001FF;

    private static final int NONE = -1;

    private final int certificateIndex;
    private final int nonceIndex;
    private final int templateIndex;
    private final Supplier<PublicArea> template;

    EkSlot(int certificateIndex, Supplier<PublicArea> template) {
        this(certificateIndex, NONE, NONE, template);
    }

    EkSlot(int certificateIndex, int nonceIndex, int templateIndex, Supplier<PublicArea> template) {
        this.certificateIndex = certificateIndex;
        this.nonceIndex = nonceIndex;
        this.templateIndex = templateIndex;
        this.template = template;
    }

    /** The NV index of the EK certificate. */
    public int certificateIndex() {
        return certificateIndex;
    }

    /** The NV index of the EK nonce (low range only). */
    public OptionalInt nonceIndex() {
        return nonceIndex == NONE ? OptionalInt.empty() : OptionalInt.of(nonceIndex);
    }

    /** The NV index of a manufacturer's own EK template (low range only). */
    public OptionalInt templateIndex() {
        return templateIndex == NONE ? OptionalInt.empty() : OptionalInt.of(templateIndex);
    }

    /** The profile's template for this slot's EK; empty where tpm4j has none (SM2). */
    public Optional<PublicArea> defaultTemplate() {
        return Optional.ofNullable(template).map(Supplier::get);
    }

    /** The slot whose certificate index is {@code nvIndex}. */
    public static Optional<EkSlot> atIndex(int nvIndex) {
        for (EkSlot slot : values()) {
            if (slot.certificateIndex == nvIndex) {
                return Optional.of(slot);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return String.format("%s (NV 0x%08x)", name(), certificateIndex);
    }
}
