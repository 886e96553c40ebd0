package io.tpm4j.testhw.suite;

import io.tpm4j.api.types.Names;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.attest.eventlog.FirmwareEvent;
import io.tpm4j.attest.eventlog.FirmwareEventLog;
import io.tpm4j.attest.eventlog.ImaEntry;
import io.tpm4j.attest.eventlog.ImaLog;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.testhw.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel VM's real SeaBIOS log and IMA list (captured by attest's kvm/capture.sh) extended into a private swtpm's
 * PCRs, then compared the way {@link EventLogTest} compares the kernel's logs with its TPM: matches, a PCR extended
 * once more, and an IMA list that grows around the PCR read.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MeasurementLogsTest {

    private static final String KVM = "kvm/";

    private Swtpm swtpm;
    private Tpm tpm;

    @BeforeEach
    void start() {
        swtpm = Swtpm.startChardev();
        tpm = Tpm.on(swtpm.transport());
        tpm.startupIfNeeded();
    }

    @AfterEach
    void stop() {
        swtpm.close();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = MeasurementLogsTest.class.getResourceAsStream(KVM + name)) {
            assertTrue(in != null, "no test resource " + name);
            return in.readAllBytes();
        }
    }

    /** Extends {@code data}'s digest into {@code pcr} of every bank, the way the kernel extends an IMA entry. */
    private void extendIma(int pcr, ImaEntry entry) {
        List<TaggedDigest> digests = MeasurementLogs.tpmBanks(tpm, java.util.Set.of(pcr)).stream().map(bank -> {
            // Linux hashes SHA-1 and SHA-256 itself; the kernel VM had no SHA-384/512 when IMA started: padded SHA-1.
            byte[] sha1 = Names.digest(TpmAlg.SHA1).digest(entry.hashedData());
            byte[] digest = bank == TpmAlg.SHA256 ? Names.digest(bank).digest(entry.hashedData())
                    : Arrays.copyOf(sha1, bank.digestSize().orElseThrow());
            return new TaggedDigest(bank, digest);
        }).toList();
        tpm.pcrExtend(pcr, digests.toArray(TaggedDigest[]::new));
    }

    @Test
    void theRealFirmwareLogMatchesPcrs0To7OnceItsEventsAreExtendedAndNamesAPcrExtendedOnceMore() throws Exception {
        FirmwareEventLog log = FirmwareEventLog.parse(resource("binary_bios_measurements"));
        List<TpmAlg> tpmBanks = MeasurementLogs.tpmBanks(tpm, MeasurementLogs.FIRMWARE_PCRS);
        for (FirmwareEvent event : log.events()) {
            if (event.extendsPcr()) {
                tpm.pcrExtend(event.pcrIndex(), event.digests().stream().filter(d -> tpmBanks.contains(d.hashAlg()))
                        .toArray(TaggedDigest[]::new));
            }
        }

        MeasurementLogs.Comparison<FirmwareEvent> matching = MeasurementLogs.compareFirmware(log, tpm);
        assertEquals(tpmBanks.stream().filter(log.banks()::contains).toList(), matching.banks());
        assertTrue(matching.banks().contains(TpmAlg.SHA256), matching.banks().toString());
        assertEquals(List.of(), matching.mismatches());

        tpm.pcrExtend(7, new TaggedDigest(TpmAlg.SHA256, new byte[32]));
        var mismatches = MeasurementLogs.compareFirmware(log, tpm).mismatches();
        assertEquals(1, mismatches.size(), mismatches.toString());
        assertEquals(TpmAlg.SHA256, mismatches.getFirst().bank());
        assertEquals(7, mismatches.getFirst().index());
        assertTrue(mismatches.getFirst().reason().contains("replay to another value"), mismatches.toString());
    }

    @Test
    void tpm2EventlogCountsTheRealLogsEventsAndReplaysItsPcrsAsTpm4jDoes() throws Exception {
        Assumptions.assumeTrue(MeasurementLogs.Tpm2Eventlog.isInstalled(), "needs tpm2_eventlog (tpm2-tools)");
        Path file = Path.of(MeasurementLogsTest.class.getResource(KVM + "binary_bios_measurements").toURI());
        MeasurementLogs.Tpm2Eventlog theirs = MeasurementLogs.Tpm2Eventlog.run(file);
        FirmwareEventLog log = FirmwareEventLog.parse(resource("binary_bios_measurements"));

        assertEquals(14, theirs.events());
        assertEquals(theirs.events(), log.events().size());
        assertEquals(List.of(TpmAlg.SHA1, TpmAlg.SHA256, TpmAlg.SHA384, TpmAlg.SHA512),
                List.copyOf(theirs.pcrs().banks()));
        assertEquals(theirs.pcrs(), log.replay().values());
    }

    @Test
    void anImaListThatGrowsAroundThePcrReadIsReadAgain() throws Exception {
        byte[] list = resource("ima_binary_runtime_measurements");
        List<ImaEntry> entries = ImaLog.parseBinary(list).entries();
        ImaEntry last = entries.getLast();
        entries.subList(0, entries.size() - 1).forEach(e -> extendIma(MeasurementLogs.IMA_PCR, e));
        byte[] withoutLast = Arrays.copyOf(list, (int) last.offset());
        AtomicInteger reads = new AtomicInteger();
        // Read 1 (before PCR 10): the list without its last entry; then IMA measures it: read 2 has it.
        MeasurementLogs.ListSource growing = () -> {
            if (reads.incrementAndGet() == 2) {
                extendIma(MeasurementLogs.IMA_PCR, last);
            }
            return reads.get() == 1 ? withoutLast : list;
        };

        MeasurementLogs.ImaComparison comparison = MeasurementLogs.compareIma(growing, tpm, Duration.ofSeconds(30));
        assertEquals(List.of(), comparison.mismatches());
        assertEquals(2, comparison.rounds(), "the first round's two reads differed");
        assertEquals(4, reads.get());
        assertEquals(entries.size(), comparison.entries());
        assertEquals("hashed", comparison.matched().get(TpmAlg.SHA256), comparison.matched().toString());
    }

    @Test
    void anEntryListedBeforeItsExtensionIsReadAgainAndAPcr10ExtendedOnceMoreIsAMismatch() throws Exception {
        byte[] list = resource("ima_binary_runtime_measurements");
        List<ImaEntry> entries = ImaLog.parseBinary(list).entries();
        entries.subList(0, entries.size() - 1).forEach(e -> extendIma(MeasurementLogs.IMA_PCR, e));
        AtomicInteger reads = new AtomicInteger();
        // IMA lists an entry before it extends PCR 10: both reads of round 1 have it, its PCR 10 read does not.
        MeasurementLogs.ListSource listedFirst = () -> {
            if (reads.incrementAndGet() == 3) {
                extendIma(MeasurementLogs.IMA_PCR, entries.getLast());
            }
            return list;
        };
        MeasurementLogs.ImaComparison comparison = MeasurementLogs.compareIma(listedFirst, tpm, Duration.ofSeconds(30));
        assertEquals(List.of(), comparison.mismatches());
        assertEquals(2, comparison.rounds());

        extendIma(MeasurementLogs.IMA_PCR, entries.getFirst());
        MeasurementLogs.ImaComparison extended = MeasurementLogs.compareIma(() -> list, tpm, Duration.ofMillis(200));
        assertEquals(MeasurementLogs.tpmBanks(tpm, java.util.Set.of(MeasurementLogs.IMA_PCR)).size(),
                extended.mismatches().size(), extended.mismatches().toString());
        assertTrue(extended.mismatches().stream().allMatch(m -> m.index() == MeasurementLogs.IMA_PCR
                && m.events().size() == entries.size()), extended.mismatches().toString());
        assertTrue(extended.rounds() > 1, "retried until the timeout");
    }

    @Test
    void theLogsBelongToTheKernelChipTheTargetIsOn() {
        assertEquals(Optional.of(0), MeasurementLogs.kernelChip(new Target.Device(Path.of("/dev/tpmrm0"))));
        assertEquals(Optional.of(0), MeasurementLogs.kernelChip(new Target.Device(Path.of("/dev/tpm0"))));
        assertEquals(Optional.of(1), MeasurementLogs.kernelChip(new Target.Device(Path.of("/dev/tpmrm1"))));
        assertEquals(Optional.of(0), MeasurementLogs.kernelChip(new Target.ResourceManagerOver(Path.of("/dev/tpm0"))));
        assertEquals(Optional.empty(), MeasurementLogs.kernelChip(new Target.PrivateSwtpm()));
        assertEquals(Optional.empty(), MeasurementLogs.kernelChip(new Target.Server(Path.of("/run/tpm4j.raw"))));
        assertEquals(Optional.empty(), MeasurementLogs.kernelChip(new Target.Device(Path.of("/tmp/tpm-socket"))));
        assertEquals(Path.of("/sys/kernel/security/tpm1/binary_bios_measurements"), MeasurementLogs.firmwareLog(1));
    }
}
