package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TpmAlg;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a firmware event's data says, decoded for the event types a verifier reads (PC Client Platform Firmware
 * Profile). Every event also keeps its raw bytes ({@link FirmwareEvent#data()}); {@link Other} marks the types not
 * decoded here and {@link Undecodable} the events whose data does not have the layout their type calls for.
 */
public sealed interface EventData {

    /** The first event of a crypto-agile log (TCG_EfiSpecIDEvent, "Spec ID Event03"): the log's banks. */
    record SpecId(long platformClass, int specVersionMajor, int specVersionMinor, int specErrata, int uintnSize,
                  List<TpmAlg> algorithms, byte[] vendorInfo) implements EventData {
        public SpecId {
            algorithms = List.copyOf(algorithms);
            vendorInfo = vendorInfo.clone();
        }

        @Override
        public byte[] vendorInfo() {
            return vendorInfo.clone();
        }
    }

    /**
     * The EV_NO_ACTION "StartupLocality" event: the locality TPM2_Startup came from, which is PCR 0's initial last
     * byte (3 when the startup came from locality 3, 4 with an H-CRTM).
     */
    record StartupLocality(int locality) implements EventData {
    }

    /**
     * UEFI_VARIABLE_DATA (EV_EFI_VARIABLE_DRIVER_CONFIG, _BOOT, _BOOT2, _AUTHORITY): the variable's vendor GUID,
     * name and value. For the Secure Boot databases (PK, KEK, db, dbx measured as driver config) the value's
     * EFI_SIGNATURE_LISTs are decoded too; for any other variable that list is empty.
     */
    record EfiVariable(UUID vendor, String name, byte[] value, List<EfiSignatureList> signatureLists)
            implements EventData {
        public EfiVariable {
            value = value.clone();
            signatureLists = List.copyOf(signatureLists);
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        /** For the global "SecureBoot" variable: whether Secure Boot was on (its one byte is 1). */
        public Optional<Boolean> secureBootEnabled() {
            if (!EfiGuids.GLOBAL_VARIABLE.equals(vendor) || !"SecureBoot".equals(name) || value.length != 1) {
                return Optional.empty();
            }
            return Optional.of(value[0] == 1);
        }
    }

    /**
     * UEFI_IMAGE_LOAD_EVENT (EV_EFI_BOOT_SERVICES_APPLICATION, _DRIVER, EV_EFI_RUNTIME_SERVICES_DRIVER): where the
     * image was loaded and the UEFI device path it came from, as the raw EFI_DEVICE_PATH_PROTOCOL bytes.
     */
    record ImageLoad(long imageLocation, long imageLength, long linkTimeAddress, byte[] devicePath)
            implements EventData {
        public ImageLoad {
            devicePath = devicePath.clone();
        }

        @Override
        public byte[] devicePath() {
            return devicePath.clone();
        }
    }

    /** EV_SEPARATOR: the end of pre-boot measurements into a PCR; the value 1 marks an error. */
    record Separator(byte[] value) implements EventData {
        public Separator {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        /** Whether this separator marks an error (the PFP's value 1) rather than a normal end (0 or all ones). */
        public boolean isError() {
            return value.length == 4 && value[0] == 1 && value[1] == 0 && value[2] == 0 && value[3] == 0;
        }
    }

    /**
     * A string: EV_ACTION, EV_EFI_ACTION, EV_IPL (e.g. a boot loader's command line), EV_S_CRTM_VERSION (UTF-16)
     * and EV_POST_CODE descriptions; trailing NULs removed.
     */
    record Text(String text) implements EventData {
    }

    /** UEFI_PLATFORM_FIRMWARE_BLOB (EV_POST_CODE, EV_EFI_PLATFORM_FIRMWARE_BLOB): the measured firmware's range. */
    record FirmwareBlob(long base, long length) implements EventData {
    }

    /** An event type not decoded here: its raw bytes are the event's data. */
    record Other() implements EventData {
    }

    /** Data that does not have the layout its event type calls for; the event still replays. */
    record Undecodable(String problem) implements EventData {
    }
}
