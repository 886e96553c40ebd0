package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TpmAlg;
import org.junit.jupiter.api.Test;

import java.security.cert.CertificateException;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Typed decoding: the events of the real SeaBIOS log, and a synthetic UEFI log with Secure Boot. */
class EventDecodingTest {

    @Test
    void realLogsEventsDecode() throws EventLogException {
        List<FirmwareEvent> events = FirmwareEventLog.parse(TestLogs.resource(TestLogs.FIRMWARE_LOG)).events();

        EventData.SpecId id = assertInstanceOf(EventData.SpecId.class, events.getFirst().decoded());
        assertEquals(List.of(TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512), id.algorithms());
        assertEquals(List.of(0L, 2, 0, 2, 2), List.of(id.platformClass(), id.specVersionMajor(),
                id.specVersionMinor(), id.specErrata(), id.uintnSize()));
        assertEquals(List.of("Start Option ROM Scan", "Calling INT 19h"), events.stream()
                .filter(e -> e.type() == EventTypes.EV_ACTION).map(e -> ((EventData.Text) e.decoded()).text())
                .toList());
        List<FirmwareEvent> separators = events.stream().filter(e -> e.type() == EventTypes.EV_SEPARATOR).toList();
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), separators.stream().map(FirmwareEvent::pcrIndex).toList());
        for (FirmwareEvent separator : separators) {
            EventData.Separator value = assertInstanceOf(EventData.Separator.class, separator.decoded());
            assertArrayEquals(new byte[] {-1, -1, -1, -1}, value.value());
            assertFalse(value.isError());
        }
        assertTrue(events.stream().filter(e -> e.type() == EventTypes.EV_EVENT_TAG)
                .allMatch(e -> e.decoded() instanceof EventData.Other && e.data().length > 0));
        assertEquals(events.size() - 1, events.stream().filter(FirmwareEvent::extendsPcr).count());
    }

    @Test
    void uefiEventsDecode() throws EventLogException, CertificateException {
        List<FirmwareEvent> events = FirmwareEventLog.parse(SyntheticLogs.uefiLog()).events();
        List<EventData> decoded = events.stream().map(FirmwareEvent::decoded).toList();

        assertEquals(new EventData.StartupLocality(3), decoded.get(1));
        assertEquals(new EventData.Text("1.00"), decoded.get(2));
        assertEquals(new EventData.FirmwareBlob(0xffc00000L, 0x400000), decoded.get(3));
        EventData.EfiVariable secureBoot = assertInstanceOf(EventData.EfiVariable.class, decoded.get(4));
        assertEquals("SecureBoot", secureBoot.name());
        assertEquals(EfiGuids.GLOBAL_VARIABLE, secureBoot.vendor());
        assertEquals(java.util.Optional.of(true), secureBoot.secureBootEnabled());
        EventData.EfiVariable pk = assertInstanceOf(EventData.EfiVariable.class, decoded.get(5));
        EfiSignatureList pkList = pk.signatureLists().getFirst();
        assertEquals(EfiGuids.CERT_X509, pkList.type());
        assertEquals(SyntheticLogs.OWNER, pkList.signatures().getFirst().owner());
        assertArrayEquals(SyntheticLogs.certificate(),
                pkList.signatures().getFirst().certificate().getEncoded());
        EventData.EfiVariable db = assertInstanceOf(EventData.EfiVariable.class, decoded.get(7));
        assertEquals(2, db.signatureLists().getFirst().signatures().size());
        assertArrayEquals(SyntheticLogs.DB_HASH, db.signatureLists().getFirst().signatures().getFirst().data());
        EventData.EfiVariable bootOrder = assertInstanceOf(EventData.EfiVariable.class, decoded.get(10));
        assertEquals("BootOrder", bootOrder.name());
        assertArrayEquals(new byte[] {1, 0}, bootOrder.value());
        assertEquals(List.of(), bootOrder.signatureLists());
        assertEquals(new EventData.Text("Calling EFI Application from Boot Option"), decoded.get(11));
        EventData.ImageLoad image = assertInstanceOf(EventData.ImageLoad.class, decoded.get(12));
        assertEquals(List.of(0x7e000000L, 0x2000L, 0L), List.of(image.imageLocation(), image.imageLength(),
                image.linkTimeAddress()));
        assertArrayEquals(SyntheticLogs.DEVICE_PATH, image.devicePath());
        assertEquals(new EventData.Text("grub_cmd: linux /vmlinuz root=/dev/sda1"), decoded.get(13));
        assertTrue(assertInstanceOf(EventData.Separator.class, decoded.get(14)).isError());
        assertInstanceOf(EventData.Other.class, decoded.get(15));
        assertArrayEquals(new byte[] {9, 9, 9}, events.get(15).data());
    }

    @Test
    void secureBootStateComesFromPcr7sVariables() throws EventLogException, CertificateException {
        SecureBootState state = SecureBootState.of(FirmwareEventLog.parse(SyntheticLogs.uefiLog()));

        assertEquals(java.util.Optional.of(true), state.enabled());
        assertEquals(SyntheticLogs.certificate().length, state.pk().orElseThrow().getFirst().signatures().getFirst()
                .certificate().getEncoded().length);
        assertEquals(List.of(), state.kek().orElseThrow(), "KEK measured empty");
        assertEquals(2, state.db().orElseThrow().getFirst().signatures().size());
        assertArrayEquals(SyntheticLogs.DBX_HASH, state.dbx().orElseThrow().getFirst().signatures().getFirst().data());

        SecureBootState seabios = SecureBootState.of(FirmwareEventLog.parse(TestLogs.resource(TestLogs.FIRMWARE_LOG)));
        assertEquals(new SecureBootState(java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty()), seabios);
    }

    @Test
    void dataThatDoesNotFitItsTypeIsUndecodableButStillReplays() throws EventLogException {
        List<TpmAlg> banks = List.of(TpmAlg.SHA256);
        byte[] hugeName = new LogBuilder().guid(EfiGuids.GLOBAL_VARIABLE).u64(Long.MAX_VALUE).u64(0).build();
        byte[] shortImage = new LogBuilder().u64(1).u64(2).u64(3).u64(100).build();
        byte[] badList = LogBuilder.variable(EfiGuids.IMAGE_SECURITY_DATABASE, "db",
                new LogBuilder().guid(EfiGuids.CERT_SHA256).u32(28 + 40).u32(0).u32(40).bytes(new byte[39]).build());
        byte[] log = new LogBuilder().specId(banks)
                .agileEvent(7, EventTypes.EV_EFI_VARIABLE_DRIVER_CONFIG, banks, hugeName)
                .agileEvent(4, EventTypes.EV_EFI_BOOT_SERVICES_APPLICATION, banks, shortImage)
                .agileEvent(7, EventTypes.EV_EFI_VARIABLE_DRIVER_CONFIG, banks, badList)
                .agileEvent(4, EventTypes.EV_IPL, banks, new byte[] {0x55, (byte) 0xaa, 0, 1})
                .build();

        FirmwareEventLog parsed = FirmwareEventLog.parse(log);

        String name = assertInstanceOf(EventData.Undecodable.class, parsed.events().get(1).decoded()).problem();
        assertTrue(name.contains("UEFI_VARIABLE_DATA.UnicodeNameLength is 9223372036854775807"), name);
        assertTrue(name.endsWith("(at byte offset " + (parsed.events().get(1).offset() + 4 + 4 + 4 + 2 + 32 + 4 + 16)
                + ")"), name);
        String image = assertInstanceOf(EventData.Undecodable.class, parsed.events().get(2).decoded()).problem();
        assertTrue(image.contains("UEFI_IMAGE_LOAD_EVENT.DevicePath needs 100 bytes but only 0 are left"), image);
        String list = assertInstanceOf(EventData.Undecodable.class, parsed.events().get(3).decoded()).problem();
        assertTrue(list.contains("SignatureListSize is 68"), list);
        assertInstanceOf(EventData.Other.class, parsed.events().get(4).decoded(), "a binary IPL (an MBR) stays raw");
        byte[] pcr4 = FirmwareEventLogTest.extend(FirmwareEventLogTest.extend(new byte[32], TpmAlg.SHA256,
                shortImage), TpmAlg.SHA256, new byte[] {0x55, (byte) 0xaa, 0, 1});
        assertArrayEquals(pcr4, parsed.replay().values().get(TpmAlg.SHA256, 4).orElseThrow());
    }

    @Test
    void guidsReadInTheirMixedByteOrder() throws EventLogException {
        UUID guid = UUID.fromString("8be4df61-93ca-11d2-aa0d-00e098032b8c");
        byte[] stored = {0x61, (byte) 0xdf, (byte) 0xe4, (byte) 0x8b, (byte) 0xca, (byte) 0x93, (byte) 0xd2, 0x11,
                (byte) 0xaa, 0x0d, 0x00, (byte) 0xe0, (byte) 0x98, 0x03, 0x2b, (byte) 0x8c};
        assertEquals(guid, EfiGuids.read(new LogReader(stored), "guid"));
        assertArrayEquals(stored, new LogBuilder().guid(guid).build());
    }
}
