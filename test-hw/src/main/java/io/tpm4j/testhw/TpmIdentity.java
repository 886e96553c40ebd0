package io.tpm4j.testhw;

import io.tpm4j.api.types.TpmPt;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Who made the TPM and to which specification, decoded from its fixed TPM_PT properties. */
public record TpmIdentity(String manufacturer, String vendor, String firmware, String family, int level,
                          String revision, String specDate, int vendorTpmType) {

    static TpmIdentity of(Map<Integer, Integer> properties) {
        int fw1 = get(properties, TpmPt.FIRMWARE_VERSION_1);
        int fw2 = get(properties, TpmPt.FIRMWARE_VERSION_2);
        int revision = get(properties, TpmPt.REVISION);
        return new TpmIdentity(
                ascii(get(properties, TpmPt.MANUFACTURER)) + String.format(" (0x%08x)", get(properties, TpmPt.MANUFACTURER)),
                (ascii(get(properties, TpmPt.VENDOR_STRING_1)) + ascii(get(properties, TpmPt.VENDOR_STRING_2))
                        + ascii(get(properties, TpmPt.VENDOR_STRING_3)) + ascii(get(properties, TpmPt.VENDOR_STRING_4))).strip(),
                // PC-client TPMs put major.minor in FIRMWARE_VERSION_1 and build numbers in _2.
                String.format("%d.%d.%d.%d (0x%08x 0x%08x)", fw1 >>> 16, fw1 & 0xFFFF, fw2 >>> 16, fw2 & 0xFFFF, fw1, fw2),
                ascii(get(properties, TpmPt.FAMILY_INDICATOR)),
                get(properties, TpmPt.LEVEL),
                (revision / 100) + "." + String.format("%02d", revision % 100),
                "day " + get(properties, TpmPt.DAY_OF_YEAR) + " of " + get(properties, TpmPt.YEAR),
                get(properties, TpmPt.VENDOR_TPM_TYPE));
    }

    private static int get(Map<Integer, Integer> properties, TpmPt pt) {
        return properties.getOrDefault(pt.value(), 0);
    }

    /** Four big-endian ASCII characters, as TPMs pack names; NULs and non-printables dropped. */
    static String ascii(int packed) {
        byte[] bytes = {(byte) (packed >>> 24), (byte) (packed >>> 16), (byte) (packed >>> 8), (byte) packed};
        StringBuilder out = new StringBuilder();
        for (byte b : new String(bytes, StandardCharsets.US_ASCII).getBytes(StandardCharsets.US_ASCII)) {
            if (b >= 0x20 && b < 0x7F) {
                out.append((char) b);
            }
        }
        return out.toString();
    }
}
