package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.types.TpmSt;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.ffi.DeviceFile;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
    /** Device options that give TPM2_ReadClock {@link #DEADLINE} and everything else a minute. */
    private static final LinuxTpmDevice.Options READ_CLOCK_DEADLINE = LinuxTpmDevice.Options.defaults()
            .withTimeouts(code -> code == TpmCc.READ_CLOCK.value() ? DEADLINE : Duration.ofSeconds(60));
    /** user_read_timer in drivers/char/tpm/tpm-dev-common.c: an unread response is discarded after this. */
    private static final Duration KERNEL_UNREAD_RESPONSE_LIMIT = Duration.ofSeconds(120);
    /** How long the TPM holds the command past the moment poll() is called with {@link #DEADLINE} as its timeout. */
    private static final Duration HELD_PAST_POLL = Duration.ofSeconds(2);

    private final SuiteContext context = SuiteContext.current();

    @Test
    @DisplayName("the kernel's poll() on /dev/tpmrmN and /dev/tpmN waits for a running command past its own timeout "
            + "(why tpm4j waits for responses with epoll)")
    void kernelPollWaitsForTheRunningCommand() throws Exception {
        VtpmChips.HeldReadClock readClock = new VtpmChips.HeldReadClock();
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(readClock.trap())) {
            for (Path node : new Path[] {chip.resourceManager(), chip.raw()}) {
                VtpmChips.HeldReadClock.Hold held = readClock.next();
                try (DeviceFile file = DeviceFile.open(node, true)) {
                    file.write(new TpmWriter().u16(TpmSt.NO_SESSIONS.value()).u32(10).u32(TpmCc.READ_CLOCK.value())
                            .toByteArray());
                    assertTrue(held.arrived().await(20, TimeUnit.SECONDS), node + ": TPM2_ReadClock did not reach the TPM");
                    // DeviceFile belongs to this thread: it polls, and another thread lets the TPM go later.
                    CountDownLatch polling = new CountDownLatch(1);
                    CompletableFuture<Void> letGo = CompletableFuture.runAsync(() -> {
                        try {
                            polling.await(20, TimeUnit.SECONDS);
                            Thread.sleep(HELD_PAST_POLL.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        held.release().countDown();
                    });
                    polling.countDown();
                    DeviceFile.Readiness readiness = file.awaitReadable(DEADLINE);
                    letGo.get(20, TimeUnit.SECONDS);
                    // Had poll() kept its timeout it would have ended long before, with nothing to read.
                    assertTrue(readiness.readable(),
                            node + ": poll(" + DEADLINE.toMillis() + " ms) ended at its timeout, before the response");
                    assertTrue(file.read(LinuxTpmDevice.MAX_MESSAGE).length > TpmHeader.SIZE, node + ": the response");
                } finally {
                    held.release().countDown();
                }
            }
        }
    }

    @Test
    @DisplayName("a command the TPM holds fails with TpmTimeoutException at its deadline on /dev/tpmrmN and /dev/tpmN "
            + "while the TPM still holds it; the late response is discarded and the next command runs")
    void deadlineHoldsWhileTheKernelRunsTheCommand() throws Exception {
        VtpmChips.HeldReadClock readClock = new VtpmChips.HeldReadClock();
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(readClock.trap())) {
            for (Path node : new Path[] {chip.resourceManager(), chip.raw()}) {
                VtpmChips.HeldReadClock.Hold held = readClock.next();
                try (LinuxTpmDevice device = LinuxTpmDevice.open(node, READ_CLOCK_DEADLINE)) {
                    Tpm tpm = Tpm.on(device);
                    // The bound only keeps a broken wait from hanging the suite; the check is the latch.
                    TpmTimeoutException late = assertTimeoutPreemptively(Duration.ofSeconds(20),
                            () -> assertThrows(TpmTimeoutException.class, tpm::readClock), node.toString());
                    assertEquals(1, held.release().getCount(), node + ": the timeout came only after the TPM let go");
                    assertTrue(late.getMessage().contains("TPM2_ReadClock"), late.getMessage());
                    held.release().countDown();
                    assertEquals(16, tpm.getRandom(16).length, node + ": the next command after the late response");
                    tpm.readClock(); // within its deadline now that the TPM answers it at once
                } finally {
                    held.release().countDown();
                }
            }
        }
    }

    @Test
    @DisplayName("a late response the kernel discards after 120 s unread does not stop the device: the next command "
            + "runs (on /dev/tpmrmN)")
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void lateResponseTheKernelDiscarded() throws Exception {
        VtpmChips.assumeTpmrmTarget(context, "it waits out the kernel's 120 s on a chip of its own");
        VtpmChips.HeldReadClock readClock = new VtpmChips.HeldReadClock();
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(readClock.trap())) {
            VtpmChips.HeldReadClock.Hold held = readClock.next();
            try (LinuxTpmDevice device = LinuxTpmDevice.open(chip.resourceManager(), READ_CLOCK_DEADLINE)) {
                Tpm tpm = Tpm.on(device);
                assertThrows(TpmTimeoutException.class, tpm::readClock);
                held.release().countDown();
                // The kernel arms its 120 s timer when the response arrives, just after the release.
                Thread.sleep(KERNEL_UNREAD_RESPONSE_LIMIT.plusSeconds(10).toMillis());
                assertEquals(16, tpm.getRandom(16).length, "the next command, after the kernel dropped the response");
                assertEquals(16, tpm.getRandom(16).length, "and the one after");
            } finally {
                held.release().countDown();
            }
        }
    }
}
