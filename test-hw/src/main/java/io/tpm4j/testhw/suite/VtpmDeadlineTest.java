package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.testhw.LeakCheck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deadlines on the kernel's devices, shown on a vTPM proxy chip of the test's own whose TPM holds TPM2_ReadClock
 * until the test lets it go. The kernel runs a non-blocking command in a worker that holds the file's buffer
 * mutex, and its poll() takes that mutex, so a poll-based wait would end only when the TPM answers; tpm4j's wait
 * must end at the deadline while the TPM still holds the command.
 */
@ExtendWith(LeakCheck.class)
public class VtpmDeadlineTest {

    private static final Duration DEADLINE = Duration.ofMillis(300);

    @Test
    @DisplayName("a command the TPM holds fails with TpmTimeoutException at its deadline on /dev/tpmrmN and /dev/tpmN "
            + "while the TPM still holds it; the late response is discarded and the next command runs")
    void deadlineHoldsWhileTheKernelRunsTheCommand() throws Exception {
        AtomicReference<CountDownLatch> hold = new AtomicReference<>(new CountDownLatch(0));
        UnaryOperator<TpmTransport> trap = backend -> command -> {
            if (TpmHeader.commandCode(command) == TpmCc.READ_CLOCK.value()) {
                try {
                    hold.get().await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return backend.transmit(command);
        };
        LinuxTpmDevice.Options options = LinuxTpmDevice.Options.defaults().withTimeouts(code ->
                code == TpmCc.READ_CLOCK.value() ? DEADLINE : Duration.ofSeconds(60));
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(trap)) {
            for (Path node : new Path[] {chip.resourceManager(), chip.raw()}) {
                CountDownLatch held = new CountDownLatch(1);
                hold.set(held);
                try (LinuxTpmDevice device = LinuxTpmDevice.open(node, options)) {
                    Tpm tpm = Tpm.on(device);
                    // The bound only keeps a broken wait from hanging the suite; the check is the latch.
                    TpmTimeoutException late = assertTimeoutPreemptively(Duration.ofSeconds(20),
                            () -> assertThrows(TpmTimeoutException.class, tpm::readClock), node.toString());
                    assertEquals(1, held.getCount(), node + ": the timeout came only after the TPM let go");
                    assertTrue(late.getMessage().contains("TPM2_ReadClock"), late.getMessage());
                    held.countDown();
                    assertEquals(16, tpm.getRandom(16).length, node + ": the next command after the late response");
                    tpm.readClock(); // within its deadline now that the TPM answers it at once
                } finally {
                    held.countDown();
                }
            }
        }
    }
}
