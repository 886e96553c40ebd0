package io.tpm4j.ffi;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmSu;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LinuxTpmDevice on a real file descriptor: a socketpair to swtpm chardev, through the public API. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SwtpmDeviceTest {

    @AfterAll
    static void noSwtpmLeftBehind() {
        assertEquals(List.of(), SwtpmProcesses.running());
    }

    private static Tpm started(Swtpm sw) {
        Tpm tpm = Tpm.on(sw.transport());
        assertTrue(tpm.startupIfNeeded());
        return tpm;
    }

    @Test
    void tenThousandSequentialCommands() {
        try (Swtpm sw = Swtpm.startChardev()) {
            Tpm tpm = started(sw);
            for (int i = 0; i < 10_000; i++) {
                int n = 1 + i % 32;
                assertEquals(n, tpm.getRandom(n).length, "command " + i);
            }
        }
    }

    @Test
    void eightThreadsShareOneDevice() throws Exception {
        try (Swtpm sw = Swtpm.startChardev()) {
            Tpm tpm = started(sw);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int size = t + 1; // each thread asks its own size, so a mixed-up response shows
                    results.add(pool.submit(() -> {
                        for (int i = 0; i < 500; i++) {
                            byte[] r = tpm.getRandom(size);
                            if (r.length != size) {
                                throw new AssertionError("thread asking " + size + " got " + r.length);
                            }
                        }
                        return size;
                    }));
                }
                for (Future<Integer> f : results) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void blockingModeWorks() {
        try (Swtpm sw = Swtpm.startChardev(LinuxTpmDevice.Options.defaults().blocking())) {
            Tpm tpm = started(sw);
            for (int i = 0; i < 100; i++) {
                assertEquals(16, tpm.getRandom(16).length);
            }
        }
    }

    @Test
    void socketModeWorks() {
        try (Swtpm sw = Swtpm.startSocket(io.tpm4j.api.CommandTimeouts.kernelDefaults())) {
            Tpm tpm = started(sw);
            assertEquals(48, tpm.getRandom(48).length);
            assertFalse(tpm.pcrBanks().isEmpty());
        }
    }

    @Test
    void responseCodesAreDecoded() {
        try (Swtpm sw = Swtpm.startChardev()) {
            Tpm tpm = Tpm.on(sw.transport());
            TpmResponseException beforeStartup = assertThrows(TpmResponseException.class, () -> tpm.getRandom(8));
            assertTrue(beforeStartup.is(TpmRc.INITIALIZE), beforeStartup.getMessage());
            assertTrue(beforeStartup.getMessage().contains("TPM2_GetRandom"), beforeStartup.getMessage());
            assertTrue(beforeStartup.getMessage().contains("TPM_RC_INITIALIZE"), beforeStartup.getMessage());
            tpm.startup(TpmSu.CLEAR);
            TpmResponseException twice = assertThrows(TpmResponseException.class, () -> tpm.startup(TpmSu.CLEAR));
            assertTrue(twice.is(TpmRc.INITIALIZE));
            assertFalse(tpm.startupIfNeeded());
        }
    }

    @Test
    void stoppedTpmHitsTheDeadlineAndRecoversAfterSigcont() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        try (Swtpm sw = Swtpm.startChardev(LinuxTpmDevice.Options.defaults().withTimeout(timeout))) {
            Tpm tpm = started(sw);
            SwtpmProcesses.signal("STOP", sw.pid());
            try {
                long start = System.nanoTime();
                TpmTimeoutException first = assertThrows(TpmTimeoutException.class, () -> tpm.getRandom(16));
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue(elapsedMs >= 290 && elapsedMs < 5000, "timed out after " + elapsedMs + " ms");
                assertTrue(first.getMessage().contains("TPM2_GetRandom"), first.getMessage());
                assertEquals(timeout, first.timeout());
                // Still stopped: the device says it is waiting for the earlier command, and sends nothing.
                TpmTimeoutException still = assertThrows(TpmTimeoutException.class, () -> tpm.getRandom(7));
                assertTrue(still.getMessage().contains("timed out earlier"), still.getMessage());
            } finally {
                SwtpmProcesses.signal("CONT", sw.pid());
            }
            // The late 16-byte answer is discarded; this 7-byte request gets its own response.
            assertEquals(7, tpm.getRandom(7).length);
            assertEquals(5, tpm.getRandom(5).length);
        }
    }

    @Test
    void killedSwtpmMeansRemovedNotHang() throws Exception {
        try (Swtpm sw = Swtpm.startChardev()) {
            Tpm tpm = started(sw);
            AtomicInteger done = new AtomicInteger();
            Callable<Throwable> worker = () -> {
                try {
                    while (true) {
                        tpm.getRandom(16);
                        done.incrementAndGet();
                    }
                } catch (Throwable t) {
                    return t;
                }
            };
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Throwable> failure = pool.submit(worker);
                while (done.get() < 200) {
                    Thread.sleep(1);
                }
                SwtpmProcesses.signal("KILL", sw.pid());
                Throwable t = failure.get(10, TimeUnit.SECONDS);
                assertTrue(t instanceof TpmDeviceRemovedException, "got " + t);
            } finally {
                pool.shutdownNow();
            }
            TpmDeviceRemovedException again = assertThrows(TpmDeviceRemovedException.class, () -> tpm.getRandom(1));
            assertTrue(again.getMessage().contains("swtpm chardev"), again.getMessage());
            assertFalse(((LinuxTpmDevice) sw.transport()).isUsable());
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsClear() {
        try (Swtpm sw = Swtpm.startChardev()) {
            LinuxTpmDevice device = (LinuxTpmDevice) sw.transport();
            Tpm tpm = started(sw);
            device.close();
            device.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tpm.getRandom(1));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void closeWakesACommandWaitingForAStoppedTpm() throws Exception {
        try (Swtpm sw = Swtpm.startChardev(LinuxTpmDevice.Options.defaults().withTimeout(Duration.ofSeconds(30)))) {
            Tpm tpm = started(sw);
            SwtpmProcesses.signal("STOP", sw.pid());
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Throwable> waiting = pool.submit(() -> {
                    try {
                        tpm.getRandom(16);
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                });
                Thread.sleep(200);
                long start = System.nanoTime();
                sw.transport().close();
                Throwable t = waiting.get(5, TimeUnit.SECONDS);
                assertTrue((System.nanoTime() - start) / 1_000_000 < 5000, "close returned promptly");
                assertTrue(t instanceof IllegalStateException && t.getMessage().contains("closed while waiting"),
                        String.valueOf(t));
                assertThrows(IllegalStateException.class, () -> tpm.getRandom(1));
            } finally {
                pool.shutdownNow();
                SwtpmProcesses.signal("CONT", sw.pid());
            }
        }
    }

    @Test
    void malformedCommandsAreRefusedBeforeSending() {
        try (Swtpm sw = Swtpm.startChardev()) {
            LinuxTpmDevice device = (LinuxTpmDevice) sw.transport();
            assertThrows(IllegalArgumentException.class, () -> device.transmit(new byte[5]));
            byte[] wrongSize = {(byte) 0x80, 0x01, 0, 0, 0, 20, 0, 0, 0x01, 0x7B, 0, 8};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> device.transmit(wrongSize));
            assertTrue(e.getMessage().contains("20"), e.getMessage());
            byte[] huge = new byte[5000];
            huge[0] = (byte) 0x80;
            huge[1] = 0x01;
            huge[4] = (byte) (5000 >>> 8);
            huge[5] = (byte) (5000 & 0xFF);
            e = assertThrows(IllegalArgumentException.class, () -> device.transmit(huge));
            assertTrue(e.getMessage().contains("4096"), e.getMessage());
            // The device is still fine.
            assertTrue(Tpm.on(device).startupIfNeeded());
        }
    }

    @Test
    void twoPrivateTpmsAreIndependent() {
        // Two private TPMs are independent: random bytes differ, PCR 0 starts at zero in both.
        try (Swtpm a = Swtpm.startChardev(); Swtpm b = Swtpm.startChardev()) {
            Tpm ta = started(a);
            Tpm tb = started(b);
            assertFalse(java.util.Arrays.equals(ta.getRandom(32), tb.getRandom(32)));
            assertArrayEquals(new byte[32], ta.pcrValues(io.tpm4j.api.types.TpmAlg.SHA256, 0).get(0));
            assertArrayEquals(new byte[32], tb.pcrValues(io.tpm4j.api.types.TpmAlg.SHA256, 0).get(0));
        }
    }
}
