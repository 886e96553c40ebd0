package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static io.tpm4j.rm.RmTesting.getRandom;
import static io.tpm4j.rm.RmTesting.responseCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A light client keeps its turn at the TPM while a heavy one loops TPM2_CreatePrimary (RSA-2048) on several
 * threads or several spaces of one peer: each light command waits for at most about one heavy command. Counted
 * at a transport under the chip, in the order the TPM saw the commands, never by the clock. With the FIFO lock
 * the chip had before, a light command queued behind every heavy thread: three or four heavy turns each.
 */
class FairnessTest {

    private static final int HEAVY_THREADS = 4;
    private static final int LIGHT_COMMANDS = 12;
    /** What the light client writes down just before it sends a command. */
    private static final String LIGHT_SENDS = "light sends";
    private static final String CREATED = "CreatePrimary";
    private static final String LIGHT_SERVED = "GetRandom";

    private Swtpm swtpm;
    private TpmChip chip;
    private ResourceManager rm;
    private Tpm raw;
    /** Successful CreatePrimary and GetRandom at the TPM, and the light client's marks, in one order. */
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> heavy = new ArrayList<>();

    private void start(Duration queueTimeout) {
        swtpm = Swtpm.startChardev();
        TpmTransport device = swtpm.transport();
        raw = Tpm.on(device::transmit);
        TpmTransport counting = command -> {
            byte[] response = device.transmit(command);
            int code = TpmHeader.commandCode(command);
            if (BigEndian.u32(response, 6) == 0 && code == TpmCc.CREATE_PRIMARY.value()) {
                seen.add(CREATED);
            } else if (code == TpmCc.GET_RANDOM.value()) {
                seen.add(LIGHT_SERVED);
            }
            return response;
        };
        chip = TpmChip.over(counting, "counted", TpmChip.Options.defaults().withQueueTimeout(queueTimeout));
        rm = ResourceManager.over(chip);
    }

    @AfterEach
    void stopAndCheckNothingLeft() throws InterruptedException {
        stop.set(true);
        for (Thread thread : heavy) {
            thread.join(60_000);
        }
        if (swtpm != null) {
            WithResourceManager.closeAndCheckNothingLeft(rm, chip, raw, swtpm);
        }
    }

    @Test
    void aSpaceWithFourThreadsGetsOneTurnPerLightTurn() throws Exception {
        start(Duration.ofMinutes(10));
        try (Space heavySpace = rm.openSpace("heavy"); Space light = rm.openSpace("light")) {
            startHeavy(i -> heavySpace);
            assertLightWaitsForAtMost(1, light);
        }
    }

    @Test
    void aPeerWithFourSpacesGetsOneTurnPerLightTurn() throws Exception {
        start(Duration.ofMinutes(10));
        List<Space> spaces = new ArrayList<>();
        for (int i = 0; i < HEAVY_THREADS; i++) {
            spaces.add(rm.openSpace("heavy", "uid 1000"));
        }
        try (Space light = rm.openSpace("light", "uid 1001")) {
            startHeavy(spaces::get);
            assertLightWaitsForAtMost(1, light);
        } finally {
            stopHeavy();
            spaces.forEach(Space::close);
        }
    }

    @Test
    void twoHeavyPeersGetOneTurnEachPerLightTurn() throws Exception {
        start(Duration.ofMinutes(10));
        try (Space first = rm.openSpace("heavy", "uid 1000"); Space second = rm.openSpace("heavy", "uid 1002");
             Space light = rm.openSpace("light", "uid 1001")) {
            startHeavy(i -> i % 2 == 0 ? first : second);
            assertLightWaitsForAtMost(2, light);
        }
    }

    /**
     * The chip held (by this thread, as the RM's housekeeping holds it): one space's command times out in the
     * queue; then three spaces queue a command each and the middle one is interrupted while it waits. Those two
     * get tpm4j's exceptions, and the others are served in the order they came once the chip is free: nobody
     * who left takes a turn, or holds one up.
     */
    @Test
    void waitersThatAreInterruptedOrTimeOutLeaveTheRestTheirTurns() throws Exception {
        start(Duration.ofSeconds(2));
        try (Space impatient = rm.openSpace("impatient"); Space first = rm.openSpace("first");
             Space interrupted = rm.openSpace("interrupted"); Space last = rm.openSpace("last")) {
            chip.lockCommands(0);
            CompletableFuture<Throwable> firstDone;
            CompletableFuture<Throwable> lastDone;
            try {
                Throwable timedOut = sendQueued(impatient, 1).get(30, TimeUnit.SECONDS);
                assertTrue(timedOut instanceof TpmTimeoutException, "not " + timedOut);
                assertTrue(timedOut.getMessage().contains("for its turn"), timedOut.getMessage());
                assertEquals(0, chip.waitingForTurn(), "it left the queue");
                firstDone = sendQueued(first, 2);
                CompletableFuture<Throwable> interruptedDone = sendQueued(interrupted, 3);
                Thread victim = lastStarted;
                lastDone = sendQueued(last, 4);
                victim.interrupt();
                Throwable interruption = interruptedDone.get(30, TimeUnit.SECONDS);
                assertEquals(TpmTransportException.class, interruption.getClass(), "not " + interruption);
                assertTrue(interruption.getMessage().contains("interrupted while waiting for the TPM"));
                assertEquals(2, chip.waitingForTurn(), "first and last still wait");
            } finally {
                chip.unlockCommands();
            }
            assertNull(firstDone.get(30, TimeUnit.SECONDS));
            assertNull(lastDone.get(30, TimeUnit.SECONDS));
            assertEquals(List.of(LIGHT_SERVED, LIGHT_SERVED), seen, "only the two that stayed reached the TPM");
            assertEquals(List.of(2, 4), served);
        }
    }

    private final List<Integer> served = new CopyOnWriteArrayList<>();
    private Thread lastStarted;

    /** Sends GetRandom({@code count}) from a new thread; returns once it waits for its turn; null when served. */
    private CompletableFuture<Throwable> sendQueued(Space space, int count) throws InterruptedException {
        int before = chip.waitingForTurn();
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        lastStarted = Thread.ofPlatform().name(space.name()).start(() -> {
            try {
                byte[] response = space.transmit(getRandom(count));
                assertEquals(0, responseCode(response).raw());
                served.add(count);
                done.complete(null);
            } catch (Throwable e) {
                done.complete(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (chip.waitingForTurn() == before && !done.isDone()) {
            if (System.nanoTime() > deadline) {
                fail(space.name() + " never queued for the chip");
            }
            Thread.sleep(1);
        }
        return done;
    }

    /** Starts the heavy threads, thread {@code i} on space {@code spaceOf(i)}, and waits until each has made a key. */
    private void startHeavy(IntFunction<Space> spaceOf) throws InterruptedException {
        AtomicInteger started = new AtomicInteger();
        for (int i = 0; i < HEAVY_THREADS; i++) {
            Tpm tpm = Tpm.on(spaceOf.apply(i));
            heavy.add(Thread.ofPlatform().name("heavy-" + i).start(() -> {
                boolean first = true;
                while (!stop.get()) {
                    try (TpmObject key = tpm.createPrimary(TpmRh.OWNER, Templates.rsaSigningKey())) {
                        if (first) {
                            started.incrementAndGet();
                            first = false;
                        }
                    }
                }
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (started.get() < HEAVY_THREADS) {
            if (System.nanoTime() > deadline) {
                fail("the heavy threads made no keys");
            }
            Thread.sleep(10);
        }
    }

    private void stopHeavy() throws InterruptedException {
        stop.set(true);
        for (Thread thread : heavy) {
            thread.join(60_000);
        }
    }

    /**
     * Sends the light client's commands one after the other, then checks how many heavy CreatePrimary commands
     * the TPM ran between the moment each was sent and the moment it was served.
     */
    private void assertLightWaitsForAtMost(int heavyCommands, Space light) throws InterruptedException {
        for (int i = 0; i < LIGHT_COMMANDS; i++) {
            seen.add(LIGHT_SENDS);
            assertEquals(0, responseCode(light.transmit(getRandom(8))).raw());
        }
        stopHeavy();
        List<Integer> waits = new ArrayList<>();
        int created = -1;
        for (String event : seen) {
            switch (event) {
                case LIGHT_SENDS -> created = 0;
                case CREATED -> created += created >= 0 ? 1 : 0;
                case LIGHT_SERVED -> {
                    waits.add(created);
                    created = -1;
                }
                default -> throw new AssertionError(event);
            }
        }
        assertEquals(LIGHT_COMMANDS, waits.size(), "every light command was served: " + seen);
        assertTrue(waits.stream().allMatch(w -> w <= heavyCommands),
                "heavy CreatePrimary commands the TPM ran while each light command waited: " + waits);
        long heavyRan = seen.stream().filter(CREATED::equals).count();
        assertTrue(heavyRan >= LIGHT_COMMANDS / 2, "the heavy client was busy all along: " + heavyRan + " keys");
    }
}
