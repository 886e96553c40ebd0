package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TpmAlg;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.tpm4j.attest.eventlog.EventTypes.*;

/** Decodes a firmware event's data by its type (PC Client Platform Firmware Profile, "Event Descriptions"). */
final class EventDecoder {

    static final byte[] SPEC_ID_SIGNATURE = "Spec ID Event03\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STARTUP_LOCALITY_SIGNATURE = "StartupLocality\0".getBytes(StandardCharsets.US_ASCII);
    /** TCG_EfiSpecIDEvent lists one entry per PCR bank; no TPM has more than a handful. */
    static final int MAX_ALGORITHMS = 16;
    private static final int FIRMWARE_BLOB_SIZE = 16;
    private static final Set<String> SIGNATURE_DATABASES = Set.of("PK", "KEK", "db", "dbx", "dbt", "dbr");

    private EventDecoder() {
    }

    /** The decoded data, or {@link EventData.Undecodable} naming what in it was wrong and where. */
    static EventData decode(int type, LogReader data) {
        try {
            return switch (type) {
                case EV_NO_ACTION -> noAction(data);
                case EV_EFI_VARIABLE_DRIVER_CONFIG, EV_EFI_VARIABLE_BOOT, EV_EFI_VARIABLE_BOOT2,
                     EV_EFI_VARIABLE_AUTHORITY -> variable(type, data);
                case EV_EFI_BOOT_SERVICES_APPLICATION, EV_EFI_BOOT_SERVICES_DRIVER,
                     EV_EFI_RUNTIME_SERVICES_DRIVER -> imageLoad(data);
                case EV_SEPARATOR -> new EventData.Separator(data.bytes(data.remaining(), "separator"));
                case EV_ACTION, EV_EFI_ACTION, EV_IPL -> text(data, false);
                case EV_S_CRTM_VERSION -> text(data, true);
                case EV_POST_CODE, EV_EFI_PLATFORM_FIRMWARE_BLOB -> postCode(data);
                default -> new EventData.Other();
            };
        } catch (EventLogException e) {
            return new EventData.Undecodable(e.getMessage());
        }
    }

    /** TCG_EfiSpecIDEvent; strict, as the rest of the log cannot be read without it. */
    static EventData.SpecId specId(LogReader in) throws EventLogException {
        in.bytes(SPEC_ID_SIGNATURE.length, "TCG_EfiSpecIDEvent.signature");
        long platformClass = in.u32("TCG_EfiSpecIDEvent.platformClass");
        int minor = in.u8("TCG_EfiSpecIDEvent.specVersionMinor");
        int major = in.u8("TCG_EfiSpecIDEvent.specVersionMajor");
        int errata = in.u8("TCG_EfiSpecIDEvent.specErrata");
        int uintnSize = in.u8("TCG_EfiSpecIDEvent.uintnSize");
        int at = in.position();
        int count = in.u32Bounded(MAX_ALGORITHMS, "TCG_EfiSpecIDEvent.numberOfAlgorithms");
        if (count == 0) {
            throw new EventLogException("TCG_EfiSpecIDEvent.numberOfAlgorithms is 0: the log has no bank", at);
        }
        List<TpmAlg> algorithms = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int algAt = in.position();
            int id = in.u16("TCG_EfiSpecIDEvent.digestSizes.algorithmId");
            int size = in.u16("TCG_EfiSpecIDEvent.digestSizes.digestSize");
            TpmAlg alg = TpmAlg.of(id).filter(a -> a.digestSize().orElse(-1) == size).orElseThrow(() ->
                    new EventLogException("TCG_EfiSpecIDEvent names " + TpmAlg.describe(id) + " with " + size
                            + "-byte digests, which is not a hash algorithm of that size", algAt));
            if (algorithms.contains(alg)) {
                throw new EventLogException("TCG_EfiSpecIDEvent names " + TpmAlg.describe(id) + " twice", algAt);
            }
            algorithms.add(alg);
        }
        int vendorInfoSize = in.u8("TCG_EfiSpecIDEvent.vendorInfoSize");
        byte[] vendorInfo = in.bytes(vendorInfoSize, "TCG_EfiSpecIDEvent.vendorInfo");
        if (!in.atEnd()) {
            throw in.error(in.remaining() + " bytes follow TCG_EfiSpecIDEvent.vendorInfo");
        }
        return new EventData.SpecId(platformClass, major, minor, errata, uintnSize, algorithms, vendorInfo);
    }

    private static EventData noAction(LogReader in) throws EventLogException {
        if (in.startsWith(SPEC_ID_SIGNATURE)) {
            return specId(in);
        }
        if (in.startsWith(STARTUP_LOCALITY_SIGNATURE)) {
            in.bytes(STARTUP_LOCALITY_SIGNATURE.length, "StartupLocality signature");
            int locality = in.u8("StartupLocality");
            if (!in.atEnd()) {
                throw in.error(in.remaining() + " bytes follow the StartupLocality byte");
            }
            return new EventData.StartupLocality(locality);
        }
        return new EventData.Other();
    }

    private static EventData variable(int type, LogReader in) throws EventLogException {
        UUID vendor = EfiGuids.read(in, "UEFI_VARIABLE_DATA.VariableName");
        long nameLength = in.u64(Integer.MAX_VALUE, "UEFI_VARIABLE_DATA.UnicodeNameLength");
        long valueLength = in.u64(Integer.MAX_VALUE, "UEFI_VARIABLE_DATA.VariableDataLength");
        String name = new String(in.bytes(2 * nameLength, "UEFI_VARIABLE_DATA.UnicodeName"),
                StandardCharsets.UTF_16LE);
        LogReader value = in.slice(valueLength, "UEFI_VARIABLE_DATA.VariableData");
        if (!in.atEnd()) {
            throw in.error(in.remaining() + " bytes follow UEFI_VARIABLE_DATA.VariableData");
        }
        List<EfiSignatureList> lists = List.of();
        if (type == EV_EFI_VARIABLE_DRIVER_CONFIG && SIGNATURE_DATABASES.contains(name)
                && (EfiGuids.GLOBAL_VARIABLE.equals(vendor) || EfiGuids.IMAGE_SECURITY_DATABASE.equals(vendor))) {
            lists = EfiSignatureList.readAll(value.copy());
        }
        byte[] bytes = value.bytes(value.remaining(), "UEFI_VARIABLE_DATA.VariableData");
        return new EventData.EfiVariable(vendor, name, bytes, lists);
    }

    private static EventData imageLoad(LogReader in) throws EventLogException {
        long location = in.u64Value("UEFI_IMAGE_LOAD_EVENT.ImageLocationInMemory");
        long length = in.u64Value("UEFI_IMAGE_LOAD_EVENT.ImageLengthInMemory");
        long linkTime = in.u64Value("UEFI_IMAGE_LOAD_EVENT.ImageLinkTimeAddress");
        long pathLength = in.u64(Integer.MAX_VALUE, "UEFI_IMAGE_LOAD_EVENT.LengthOfDevicePath");
        byte[] path = in.bytes(pathLength, "UEFI_IMAGE_LOAD_EVENT.DevicePath");
        if (!in.atEnd()) {
            throw in.error(in.remaining() + " bytes follow UEFI_IMAGE_LOAD_EVENT.DevicePath");
        }
        return new EventData.ImageLoad(location, length, linkTime, path);
    }

    private static EventData postCode(LogReader in) throws EventLogException {
        EventData text = text(in, false);
        if (text instanceof EventData.Other && in.remaining() == FIRMWARE_BLOB_SIZE) {
            return new EventData.FirmwareBlob(in.u64Value("UEFI_PLATFORM_FIRMWARE_BLOB.BlobBase"),
                    in.u64Value("UEFI_PLATFORM_FIRMWARE_BLOB.BlobLength"));
        }
        return text;
    }

    /** The data as printable text (UTF-16LE when {@code wide}, else ASCII), or {@link EventData.Other}. */
    private static EventData text(LogReader in, boolean wide) throws EventLogException {
        int start = in.position();
        byte[] bytes = in.bytes(in.remaining(), "text");
        String text;
        if (wide && bytes.length % 2 == 0) {
            text = new String(bytes, StandardCharsets.UTF_16LE);
        } else {
            text = new String(bytes, StandardCharsets.ISO_8859_1);
        }
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == 0) {
            end--;
        }
        text = text.substring(0, end);
        boolean printable = !text.isEmpty() && text.chars().allMatch(c -> c >= 0x20 && c < 0x7F || c == '\t'
                || c == '\n' || c == '\r' || wide && c > 0xA0 && !Character.isSurrogate((char) c));
        if (!printable) {
            in.rewind(start);
            return new EventData.Other();
        }
        return new EventData.Text(text);
    }
}
