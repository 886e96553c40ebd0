package io.tpm4j.attest.eventlog;

import java.util.Map;

/** The event types of the TCG PC Client Platform Firmware Profile (section "Event Types"), by value and name. */
public final class EventTypes {

    public static final int EV_PREBOOT_CERT = 0x00000000;
    public static final int EV_POST_CODE = 0x00000001;
    public static final int EV_UNUSED = 0x00000002;
    public static final int EV_NO_ACTION = 0x00000003;
    public static final int EV_SEPARATOR = 0x00000004;
    public static final int EV_ACTION = 0x00000005;
    public static final int EV_EVENT_TAG = 0x00000006;
    public static final int EV_S_CRTM_CONTENTS = 0x00000007;
    public static final int EV_S_CRTM_VERSION = 0x00000008;
    public static final int EV_CPU_MICROCODE = 0x00000009;
    public static final int EV_PLATFORM_CONFIG_FLAGS = 0x0000000A;
    public static final int EV_TABLE_OF_DEVICES = 0x0000000B;
    public static final int EV_COMPACT_HASH = 0x0000000C;
    public static final int EV_IPL = 0x0000000D;
    public static final int EV_IPL_PARTITION_DATA = 0x0000000E;
    public static final int EV_NONHOST_CODE = 0x0000000F;
    public static final int EV_NONHOST_CONFIG = 0x00000010;
    public static final int EV_NONHOST_INFO = 0x00000011;
    public static final int EV_OMIT_BOOT_DEVICE_EVENTS = 0x00000012;

    private static final int EFI = 0x80000000;
    public static final int EV_EFI_VARIABLE_DRIVER_CONFIG = EFI + 0x1;
    public static final int EV_EFI_VARIABLE_BOOT = EFI + 0x2;
    public static final int EV_EFI_BOOT_SERVICES_APPLICATION = EFI + 0x3;
    public static final int EV_EFI_BOOT_SERVICES_DRIVER = EFI + 0x4;
    public static final int EV_EFI_RUNTIME_SERVICES_DRIVER = EFI + 0x5;
    public static final int EV_EFI_GPT_EVENT = EFI + 0x6;
    public static final int EV_EFI_ACTION = EFI + 0x7;
    public static final int EV_EFI_PLATFORM_FIRMWARE_BLOB = EFI + 0x8;
    public static final int EV_EFI_HANDOFF_TABLES = EFI + 0x9;
    public static final int EV_EFI_PLATFORM_FIRMWARE_BLOB2 = EFI + 0xA;
    public static final int EV_EFI_HANDOFF_TABLES2 = EFI + 0xB;
    public static final int EV_EFI_VARIABLE_BOOT2 = EFI + 0xC;
    public static final int EV_EFI_HCRTM_EVENT = EFI + 0x10;
    public static final int EV_EFI_VARIABLE_AUTHORITY = EFI + 0xE0;
    public static final int EV_EFI_SPDM_FIRMWARE_BLOB = EFI + 0xE1;
    public static final int EV_EFI_SPDM_FIRMWARE_CONFIG = EFI + 0xE2;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EV_PREBOOT_CERT, "EV_PREBOOT_CERT"),
            Map.entry(EV_POST_CODE, "EV_POST_CODE"),
            Map.entry(EV_UNUSED, "EV_UNUSED"),
            Map.entry(EV_NO_ACTION, "EV_NO_ACTION"),
            Map.entry(EV_SEPARATOR, "EV_SEPARATOR"),
            Map.entry(EV_ACTION, "EV_ACTION"),
            Map.entry(EV_EVENT_TAG, "EV_EVENT_TAG"),
            Map.entry(EV_S_CRTM_CONTENTS, "EV_S_CRTM_CONTENTS"),
            Map.entry(EV_S_CRTM_VERSION, "EV_S_CRTM_VERSION"),
            Map.entry(EV_CPU_MICROCODE, "EV_CPU_MICROCODE"),
            Map.entry(EV_PLATFORM_CONFIG_FLAGS, "EV_PLATFORM_CONFIG_FLAGS"),
            Map.entry(EV_TABLE_OF_DEVICES, "EV_TABLE_OF_DEVICES"),
            Map.entry(EV_COMPACT_HASH, "EV_COMPACT_HASH"),
            Map.entry(EV_IPL, "EV_IPL"),
            Map.entry(EV_IPL_PARTITION_DATA, "EV_IPL_PARTITION_DATA"),
            Map.entry(EV_NONHOST_CODE, "EV_NONHOST_CODE"),
            Map.entry(EV_NONHOST_CONFIG, "EV_NONHOST_CONFIG"),
            Map.entry(EV_NONHOST_INFO, "EV_NONHOST_INFO"),
            Map.entry(EV_OMIT_BOOT_DEVICE_EVENTS, "EV_OMIT_BOOT_DEVICE_EVENTS"),
            Map.entry(EV_EFI_VARIABLE_DRIVER_CONFIG, "EV_EFI_VARIABLE_DRIVER_CONFIG"),
            Map.entry(EV_EFI_VARIABLE_BOOT, "EV_EFI_VARIABLE_BOOT"),
            Map.entry(EV_EFI_BOOT_SERVICES_APPLICATION, "EV_EFI_BOOT_SERVICES_APPLICATION"),
            Map.entry(EV_EFI_BOOT_SERVICES_DRIVER, "EV_EFI_BOOT_SERVICES_DRIVER"),
            Map.entry(EV_EFI_RUNTIME_SERVICES_DRIVER, "EV_EFI_RUNTIME_SERVICES_DRIVER"),
            Map.entry(EV_EFI_GPT_EVENT, "EV_EFI_GPT_EVENT"),
            Map.entry(EV_EFI_ACTION, "EV_EFI_ACTION"),
            Map.entry(EV_EFI_PLATFORM_FIRMWARE_BLOB, "EV_EFI_PLATFORM_FIRMWARE_BLOB"),
            Map.entry(EV_EFI_HANDOFF_TABLES, "EV_EFI_HANDOFF_TABLES"),
            Map.entry(EV_EFI_PLATFORM_FIRMWARE_BLOB2, "EV_EFI_PLATFORM_FIRMWARE_BLOB2"),
            Map.entry(EV_EFI_HANDOFF_TABLES2, "EV_EFI_HANDOFF_TABLES2"),
            Map.entry(EV_EFI_VARIABLE_BOOT2, "EV_EFI_VARIABLE_BOOT2"),
            Map.entry(EV_EFI_HCRTM_EVENT, "EV_EFI_HCRTM_EVENT"),
            Map.entry(EV_EFI_VARIABLE_AUTHORITY, "EV_EFI_VARIABLE_AUTHORITY"),
            Map.entry(EV_EFI_SPDM_FIRMWARE_BLOB, "EV_EFI_SPDM_FIRMWARE_BLOB"),
            Map.entry(EV_EFI_SPDM_FIRMWARE_CONFIG, "EV_EFI_SPDM_FIRMWARE_CONFIG"));

    private EventTypes() {
    }

    /** The specification's name of an event type, such as {@code EV_SEPARATOR}, or its value in hex. */
    public static String name(int type) {
        String name = NAMES.get(type);
        return name != null ? name : String.format("0x%08x", type);
    }
}
