package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chip removal under load, the heart of resource-manager.md item 9: sixteen threads on eight spaces while the
 * chip is removed (or its TPM killed). Every command completes or fails with TpmDeviceRemovedException, nothing
 * else; nothing hangs; nothing reaches the backend after removal; every space closes.
 */
class RemovalTest {

    private static final int SPACES = 8;
    private static final int THREADS = 16;
    private static final int REPEATS = 12;

    @Test
    void removalWhileSixteenThreadsWorkOnEightSpaces() throws Exception {
        for (int repeat = 0; repeat < REPEATS; repeat++) {
            runUnderLoad(repeat, (swtpm, chip, backend) -> {
                chip.remove();
                backend.markRemoved();
            });
        }
    }

    @Test
    void killingTheTpmProcessRemovesTheChipForEverySpace() throws Exception {
        for (int repeat = 0; repeat < REPEATS / 2; repeat++) {
            runUnderLoad(repeat, (swtpm, chip, backend) -> {
                ProcessHandle.of(swtpm.pid()).ifPresent(ProcessHandle::destroyForcibly);
                // The next command, or the one in flight, finds the TPM gone and removes the chip.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!chip.isRemoved() && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertTrue(chip.isRemoved(), "the dead TPM removed the chip");
                chip.remove();
                backend.markRemoved();
            });
        }
    }

    interface Removal {
        void run(Swtpm swtpm, TpmChip chip, RecordingTransport backend) throws Exception;
    }

    private static void runUnderLoad(int repeat, Removal removal) throws Exception {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            RecordingTransport backend = new RecordingTransport(swtpm.transport());
            TpmChip chip = TpmChip.over(backend, "swtpm-" + repeat);
            ResourceManager rm = ResourceManager.over(chip);
            List<Space> spaces = new ArrayList<>();
            List<TpmObject> keys = new ArrayList<>();
            for (int s = 0; s < SPACES; s++) {
                Space space = rm.openSpace("load-" + s);
                spaces.add(space);
                keys.add(Tpm.on(space).createPrimary(TpmRh.OWNER, Templates.eccSigningKey()));
            }
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger removedErrors = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(THREADS);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int s = t % SPACES;
                Thread thread = Thread.ofPlatform().name("worker-" + t).start(() -> {
                    Tpm tpm = Tpm.on(spaces.get(s));
                    started.countDown();
                    while (true) {
                        try {
                            switch (ThreadLocalRandom.current().nextInt(3)) {
                                case 0 -> tpm.sign(keys.get(s), RmTesting.sha256("removal"));
                                case 1 -> tpm.getRandom(16);
                                default -> tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey()).close();
                            }
                            completed.incrementAndGet();
                        } catch (TpmDeviceRemovedException e) {
                            removedErrors.incrementAndGet();
                            return;
                        } catch (Throwable e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                });
                threads.add(thread);
            }
            assertTrue(started.await(30, TimeUnit.SECONDS));
            Thread.sleep(ThreadLocalRandom.current().nextInt(5, 60));
            removal.run(swtpm, chip, backend);
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(30));
                assertFalse(thread.isAlive(), thread.getName() + " hangs after removal");
            }
            if (!unexpected.isEmpty()) {
                AssertionError error = new AssertionError("repeat " + repeat + ": " + unexpected.size()
                        + " commands failed with something other than TpmDeviceRemovedException");
                unexpected.forEach(error::addSuppressed);
                throw error;
            }
            assertEquals(THREADS, removedErrors.get(), "each thread ends on the removal error");
            assertTrue(completed.get() > 0, "commands ran before removal");
            for (Space space : spaces) {
                assertThrows(TpmDeviceRemovedException.class, () -> space.transmit(RmTesting.getRandom(4)));
                space.close();
                assertFalse(space.isOpen());
            }
            rm.close();
            assertEquals(0, backend.callsAfterRemoval.get(), "backend calls after removal");
        }
    }

    @Test
    void removalCancelsACommandStuckOnATpmThatNeverAnswers() throws Exception {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            TpmChip chip = TpmChip.over(swtpm.transport(), "stopped",
                    TpmChip.Options.defaults().withRemovalGrace(Duration.ofMillis(300)));
            ResourceManager rm = ResourceManager.over(chip);
            Space space = rm.openSpace("stuck");
            RmTesting.signal("STOP", swtpm.pid());
            try {
                java.util.concurrent.atomic.AtomicReference<Throwable> outcome = new java.util.concurrent.atomic.AtomicReference<>();
                Thread stuck = Thread.ofPlatform().start(() -> {
                    try {
                        Tpm.on(space).getRandom(8);
                        outcome.set(new AssertionError("a stopped TPM answered"));
                    } catch (Throwable t) {
                        outcome.set(t);
                    }
                });
                Thread.sleep(200);
                assertTrue(stuck.isAlive(), "the command waits for the stopped TPM");
                long start = System.nanoTime();
                chip.remove();
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                stuck.join(Duration.ofSeconds(10));
                assertFalse(stuck.isAlive(), "the stuck command was woken");
                assertTrue(outcome.get() instanceof TpmDeviceRemovedException, String.valueOf(outcome.get()));
                assertTrue(tookMs < 5_000, "removal took " + tookMs + " ms");
                assertThrows(TpmDeviceRemovedException.class, () -> space.transmit(RmTesting.getRandom(4)));
                space.close();
                rm.close();
            } finally {
                RmTesting.signal("CONT", swtpm.pid());
            }
        }
    }


}
