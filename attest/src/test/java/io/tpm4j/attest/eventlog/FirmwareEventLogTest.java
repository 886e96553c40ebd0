package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.attest.PcrMismatch;
import io.tpm4j.attest.PcrValues;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.tpm4j.attest.eventlog.LogBuilder.ascii;
import static io.tpm4j.attest.eventlog.LogBuilder.sha;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The firmware log's framing and replay: the kernel VM's real SeaBIOS log, tpm2_eventlog's view of it, synthetic logs. */
class FirmwareEventLogTest {

    private static final Set<Integer> FIRMWARE_PCRS = Set.of(0, 1, 2, 3, 4, 5, 6, 7);
    private static final List<TpmAlg> FOUR_BANKS = List.of(TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512);

    @Test
    void realLogReplaysToTheCapturedPcrs0To7InEveryBank() throws EventLogException {
        FirmwareEventLog log = FirmwareEventLog.parse(TestLogs.resource(TestLogs.FIRMWARE_LOG));
        PcrValues captured = TestLogs.capturedPcrs(TestLogs.KVM).only(FIRMWARE_PCRS);

        assertEquals(FirmwareEventLog.Format.CRYPTO_AGILE, log.format());
        assertEquals(FOUR_BANKS, log.banks());
        assertEquals(Set.copyOf(FOUR_BANKS), captured.banks());
        PcrReplay<FirmwareEvent> replay = log.replay();
        assertEquals(List.of(), replay.compare(captured));
        assertEquals(captured, replay.values(), "every bank, PCRs 0-7, nothing else");
    }

    @Test
    void realLogMatchesTpm2EventlogsEventCountAndPcrs() throws Exception {
        Path file = Path.of(FirmwareEventLogTest.class.getResource(TestLogs.FIRMWARE_LOG).toURI());
        List<String> yaml = tpm2Eventlog(file);
        long tpm2Events = yaml.stream().filter(l -> l.startsWith("- EventNum:")).count();
        PcrValues tpm2Pcrs = TestLogs.pcrYaml(yaml.subList(yaml.indexOf("pcrs:"), yaml.size()));

        FirmwareEventLog log = FirmwareEventLog.parse(TestLogs.resource(TestLogs.FIRMWARE_LOG));
        assertEquals(14, tpm2Events);
        assertEquals(tpm2Events, log.events().size());
        assertEquals(tpm2Pcrs, log.replay().values());
    }

    @Test
    void aMismatchNamesThePcrAndTheEventsThatMadeIt() throws EventLogException {
        FirmwareEventLog log = FirmwareEventLog.parse(TestLogs.resource(TestLogs.FIRMWARE_LOG));
        byte[] wrong = new byte[32];
        PcrValues expected = PcrValues.of(Map.of(TpmAlg.SHA256, Map.of(4, wrong, 0,
                        log.replay().values().get(TpmAlg.SHA256, 0).orElseThrow()),
                TpmAlg.SHA3_256, Map.of(0, new byte[32])));

        List<PcrMismatch<FirmwareEvent>> mismatches = log.replay().compare(expected);

        assertEquals(2, mismatches.size(), mismatches.toString());
        PcrMismatch<FirmwareEvent> pcr4 = mismatches.stream().filter(m -> m.bank() == TpmAlg.SHA256).findFirst()
                .orElseThrow();
        assertEquals(4, pcr4.index());
        assertArrayEquals(wrong, pcr4.expected());
        assertEquals(List.of(EventTypes.EV_ACTION, EventTypes.EV_SEPARATOR),
                pcr4.events().stream().map(FirmwareEvent::type).toList());
        assertEquals(new EventData.Text("Calling INT 19h"), pcr4.events().getFirst().decoded());
        PcrMismatch<FirmwareEvent> noBank = mismatches.stream().filter(m -> m.bank() == TpmAlg.SHA3_256).findFirst()
                .orElseThrow();
        assertEquals("the log has no sha3_256 bank", noBank.reason());
        assertEquals(0, noBank.replayed().length);
    }

    @Test
    void sha1OnlyLogReplaysItsSha1Digests() throws EventLogException {
        byte[] log = new LogBuilder()
                .sha1Event(0, EventTypes.EV_S_CRTM_VERSION, LogBuilder.utf16("1.02\0"))
                .sha1Event(0, EventTypes.EV_POST_CODE, ascii("POST CODE"))
                .sha1Event(4, EventTypes.EV_IPL, ascii("boot loader\0"))
                .sha1Event(0, EventTypes.EV_NO_ACTION, new byte[20], ascii("not extended"))
                .sha1Event(0, EventTypes.EV_SEPARATOR, new byte[4])
                .sha1Event(4, EventTypes.EV_SEPARATOR, new byte[4])
                .build();

        FirmwareEventLog parsed = FirmwareEventLog.parse(log);

        assertEquals(FirmwareEventLog.Format.SHA1, parsed.format());
        assertEquals(List.of(TpmAlg.SHA1), parsed.banks());
        assertEquals(6, parsed.events().size());
        assertEquals(new EventData.Text("1.02"), parsed.events().get(0).decoded());
        assertEquals(new EventData.Text("POST CODE"), parsed.events().get(1).decoded());
        byte[] pcr0 = extend(extend(extend(new byte[20], TpmAlg.SHA1, LogBuilder.utf16("1.02\0")),
                TpmAlg.SHA1, ascii("POST CODE")), TpmAlg.SHA1, new byte[4]);
        byte[] pcr4 = extend(extend(new byte[20], TpmAlg.SHA1, ascii("boot loader\0")), TpmAlg.SHA1, new byte[4]);
        assertEquals(PcrValues.of(Map.of(TpmAlg.SHA1, Map.of(0, pcr0, 4, pcr4))), parsed.replay().values());
        assertEquals(3, parsed.replay().events().get(0).size(), "EV_NO_ACTION is not extended");
    }

    @Test
    void startupLocalitySetsPcr0sStartValue() throws EventLogException {
        List<TpmAlg> banks = List.of(TpmAlg.SHA256, TpmAlg.SHA384);
        byte[] locality = new LogBuilder().bytes(ascii("StartupLocality\0")).u8(3).build();
        byte[] log = new LogBuilder().specId(banks)
                .u32(0).u32(EventTypes.EV_NO_ACTION).u32(2).u16(TpmAlg.SHA256.value()).bytes(new byte[32])
                .u16(TpmAlg.SHA384.value()).bytes(new byte[48]).u32(locality.length).bytes(locality)
                .agileEvent(0, EventTypes.EV_S_CRTM_VERSION, banks, LogBuilder.utf16("v1\0"))
                .build();

        FirmwareEventLog parsed = FirmwareEventLog.parse(log);

        assertEquals(new EventData.StartupLocality(3), parsed.events().get(1).decoded());
        for (TpmAlg bank : banks) {
            byte[] start = new byte[bank.digestSize().getAsInt()];
            start[start.length - 1] = 3;
            assertArrayEquals(extend(start, bank, LogBuilder.utf16("v1\0")),
                    parsed.replay().values().get(bank, 0).orElseThrow(), bank.toString());
        }
    }

    @Test
    void aZeroTailIsTheUnusedBufferButOtherTrailingBytesAreAnError() throws EventLogException {
        byte[] real = TestLogs.resource(TestLogs.FIRMWARE_LOG);
        assertEquals(14, FirmwareEventLog.parse(Arrays.copyOf(real, real.length + 4096)).events().size());

        byte[] garbage = Arrays.copyOf(real, real.length + 3);
        garbage[real.length + 1] = 7;
        EventLogException e = ParseErrors.firmware(garbage);
        assertEquals(real.length, e.offset(), e.getMessage());
    }

    @Test
    void malformedLogsNameTheOffsetAndTheProblem() {
        List<TpmAlg> two = List.of(TpmAlg.SHA1, TpmAlg.SHA256);
        byte[] specId = new LogBuilder().specId(two).build();
        int afterSpecId = specId.length;
        ParseErrors.expectFirmware(new byte[0], 0, "the log is empty");
        ParseErrors.expectFirmware(new byte[10], 8, "TCG_PCR_EVENT.Digest needs 20 bytes but only 2 are left");
        ParseErrors.expectFirmware(new LogBuilder().u32(0).u32(1).bytes(new byte[20]).u32(1000).u32(0).build(), 28,
                "TCG_PCR_EVENT.EventSize is 1000 but only 4 bytes follow");
        ParseErrors.expectFirmware(new LogBuilder().u32(24).u32(1).bytes(new byte[20]).u32(0).build(), 0,
                "TCG_PCR_EVENT.PCRIndex is 24, more than 23");
        ParseErrors.expectFirmware(new LogBuilder().specId(two).u32(0).u32(1).u32(0xFFFFFFFFL).build(),
                afterSpecId + 8, "TCG_PCR_EVENT2.Digests.count is 4294967295, more than 2");
        ParseErrors.expectFirmware(new LogBuilder().specId(two).u32(0).u32(1).u32(1).u16(TpmAlg.SHA384.value())
                .build(), afterSpecId + 12, "event 1 has a sha384 digest, which the Spec ID event does not list");
        ParseErrors.expectFirmware(new LogBuilder().specId(two).u32(0).u32(1).u32(2).u16(TpmAlg.SHA1.value())
                .bytes(new byte[20]).u16(TpmAlg.SHA1.value()).build(), afterSpecId + 34, "event 1 has two sha1 digests");
        ParseErrors.expectFirmware(new LogBuilder().specId(two).u32(0).u32(1).u32(1).u16(TpmAlg.SHA1.value())
                .bytes(new byte[20]).u32(0x7FFFFFFF).build(), afterSpecId + 34,
                "TCG_PCR_EVENT2.EventSize is 2147483647 but only 0 bytes follow");
        ParseErrors.expectFirmware(new LogBuilder().specId(List.of()).build(), 32 + 24,
                "TCG_EfiSpecIDEvent.numberOfAlgorithms is 0");
        byte[] rsa = LogBuilder.specIdData(List.of(TpmAlg.SHA1));
        rsa[28] = (byte) TpmAlg.RSA.value();
        ParseErrors.expectFirmware(new LogBuilder().sha1Event(0, EventTypes.EV_NO_ACTION, new byte[20], rsa).build(),
                32 + 28, "TCG_EfiSpecIDEvent names rsa with 20-byte digests, which is not a hash algorithm");
        byte[] short2 = Arrays.copyOf(LogBuilder.specIdData(two), 32);
        ParseErrors.expectFirmware(new LogBuilder().sha1Event(0, EventTypes.EV_NO_ACTION, new byte[20], short2)
                .build(), 32 + 32, "TCG_EfiSpecIDEvent.digestSizes.algorithmId needs 2 bytes but only 0 are left");
    }

    static byte[] extend(byte[] pcr, TpmAlg bank, byte[] data) {
        byte[] both = Arrays.copyOf(pcr, pcr.length + pcr.length);
        System.arraycopy(sha(bank, data), 0, both, pcr.length, pcr.length);
        return sha(bank, both);
    }

    private static List<String> tpm2Eventlog(Path file) throws IOException, InterruptedException,
            URISyntaxException {
        Process process = new ProcessBuilder("tpm2_eventlog", file.toString()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "tpm2_eventlog did not finish");
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "tpm2_eventlog failed: " + text);
        return text.lines().toList();
    }
}
