package io.tpm4j.testhw.suite;

import io.tpm4j.attest.eventlog.FirmwareEvent;
import io.tpm4j.attest.eventlog.FirmwareEventLog;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The kernel's measurement logs against the TPM under test, as a remote verifier would check them: the firmware
 * event log replays to exactly PCRs 0-7 and the IMA list to PCR 10, in every bank; tpm2-tools reads the firmware log
 * the same way. Only on a kernel TPM device whose firmware measured the boot (the kernel VM boots through SeaBIOS
 * with IMA on for this); skipped, saying why, anywhere else.
 */
@ExtendWith(LeakCheck.class)
public class EventLogTest {

    private final SuiteContext context = SuiteContext.current();

    @Test
    @DisplayName("the firmware event log (/sys/kernel/security/tpmN/binary_bios_measurements) replays to exactly "
            + "PCRs 0-7 in every bank the log and the TPM have")
    void firmwareLogReplaysToPcrs0To7() throws Exception {
        FirmwareEventLog log = FirmwareEventLog.parse(MeasurementLogs.read(firmwareLog()));
        MeasurementLogs.Comparison<FirmwareEvent> comparison = MeasurementLogs.compareFirmware(log, context.tpm());
        assertFalse(comparison.banks().isEmpty(), "the log's banks " + log.banks() + " and the TPM's "
                + MeasurementLogs.tpmBanks(context.tpm(), MeasurementLogs.FIRMWARE_PCRS) + " have none in common");
        assertEquals(List.of(), comparison.mismatches(), log.events().size() + " events, banks "
                + comparison.banks());
    }

    @Test
    @DisplayName("tpm2_eventlog counts the firmware log's events and replays its PCRs as tpm4j does")
    void tpm2EventlogReadsTheSameLog() throws Exception {
        byte[] bytes = MeasurementLogs.read(firmwareLog());
        Assumptions.assumeTrue(MeasurementLogs.Tpm2Eventlog.isInstalled(), "needs tpm2_eventlog (tpm2-tools) on the PATH");
        // The very bytes tpm4j parses: the kernel's file can only be read from the start, and it is not re-read.
        Path copy = Files.createTempFile("tpm4j-eventlog", ".bin");
        try {
            Files.write(copy, bytes);
            MeasurementLogs.Tpm2Eventlog theirs = MeasurementLogs.Tpm2Eventlog.run(copy);
            FirmwareEventLog log = FirmwareEventLog.parse(bytes);
            assertEquals(theirs.events(), log.events().size(), "events, the Spec ID event included");
            assertEquals(theirs.pcrs(), log.replay().values(), "replayed PCRs, every bank");
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    @Test
    @DisplayName("the IMA measurement list (/sys/kernel/security/ima/binary_runtime_measurements) replays to PCR 10 "
            + "in every bank, read while IMA goes on measuring")
    void imaListReplaysToPcr10() throws Exception {
        int chip = kernelChip();
        Assumptions.assumeTrue(chip == MeasurementLogs.IMA_CHIP, "IMA extends tpm" + MeasurementLogs.IMA_CHIP
                + ", not the target's tpm" + chip);
        Path list = MeasurementLogs.IMA_LIST;
        Assumptions.assumeTrue(Files.exists(list), "no IMA measurement list at " + list
                + " (IMA measures nothing without a policy: boot with ima_policy=tcb)");
        Assumptions.assumeTrue(Files.isReadable(list), "cannot read " + list + " (root only)");
        MeasurementLogs.ImaComparison comparison = MeasurementLogs.compareIma(() -> MeasurementLogs.read(list),
                context.tpm(), Duration.ofSeconds(60));
        assertEquals(List.of(), comparison.mismatches(), comparison.entries() + " entries, after "
                + comparison.rounds() + " reads; banks that matched: " + comparison.matched());
        assertFalse(comparison.matched().isEmpty(), "the TPM has no bank with PCR 10");
    }

    /** The kernel chip N of the target (/dev/tpmN, /dev/tpmrmN, tpm4j's RM over one); else the test is skipped. */
    private int kernelChip() {
        var chip = MeasurementLogs.kernelChip(context.target());
        Assumptions.assumeTrue(chip.isPresent(), "applies to kernel TPM devices (/dev/tpmN, /dev/tpmrmN, --rm "
                + "DEVICE), whose measurement logs the kernel exposes; the target is " + context.target());
        return chip.orElseThrow();
    }

    /** The target chip's firmware event log; the test is skipped, saying why, when there is none to read. */
    private Path firmwareLog() {
        Path log = MeasurementLogs.firmwareLog(kernelChip());
        Assumptions.assumeTrue(Files.exists(log), "no firmware event log at " + log + " (the firmware did not "
                + "measure the boot, as qemu's qboot does not; or securityfs is not mounted)");
        Assumptions.assumeTrue(Files.isReadable(log), "cannot read " + log + " (root only)");
        return log;
    }
}
