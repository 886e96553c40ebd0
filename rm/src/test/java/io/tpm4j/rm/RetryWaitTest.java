package io.tpm4j.rm;

import io.tpm4j.api.RetryPolicy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.tpm4j.rm.RmTesting.getRandom;
import static io.tpm4j.rm.RmTesting.responseCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A command the RM sends again after a retryable warning lets go of the chip while it backs off, then waits for
 * its turn again. Interrupted or timed out in either wait, its caller gets tpm4j's exception for what happened
 * (the interrupt flag kept), and the chip's lock is free for everyone else. The warning is scripted (swtpm gives
 * TPM_RC_RETRY only by chance); another space holds the chip with a command its backend keeps waiting.
 */
class RetryWaitTest {

    private static final Duration QUEUE_TIMEOUT = Duration.ofMillis(500);
    private static final byte[] READ_CLOCK = new TpmWriter().u16(TpmHeader.ST_NO_SESSIONS).u32(10)
            .u32(TpmCc.READ_CLOCK.value()).toByteArray();

    private Swtpm swtpm;
    private ScriptedTransport scripted;
    private Gate gate;
    private TpmChip chip;
    private ResourceManager rm;
    private Tpm raw;

    /** What a client thread got: a response or an exception, and whether its interrupt flag was set afterwards. */
    private record Outcome(byte[] response, Throwable thrown, boolean interrupted) {
    }

    private record Client(Thread thread, CompletableFuture<Outcome> outcome) {
        Outcome await() throws Exception {
            return outcome.get(30, TimeUnit.SECONDS);
        }
    }

    /** Lets the first TPM2_ReadClock wait in the backend, with the chip held, until opened. */
    private static final class Gate implements TpmTransport {
        private final TpmTransport next;
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch open = new CountDownLatch(1);

        Gate(TpmTransport next) {
            this.next = next;
        }

        @Override
        public byte[] transmit(byte[] command) {
            if (TpmHeader.commandCode(command) == TpmCc.READ_CLOCK.value() && arrived.getCount() > 0) {
                arrived.countDown();
                try {
                    assertTrue(open.await(30, TimeUnit.SECONDS), "the gate was never opened");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return next.transmit(command);
        }

        void awaitHeld() throws InterruptedException {
            assertTrue(arrived.await(10, TimeUnit.SECONDS), "TPM2_ReadClock never reached the backend");
        }

        void open() {
            open.countDown();
        }

        @Override
        public void close() {
            next.close();
        }
    }

    private void start(Duration backOff) {
        swtpm = Swtpm.startChardev();
        TpmTransport device = swtpm.transport();
        raw = Tpm.on(device::transmit);
        scripted = new ScriptedTransport(device);
        gate = new Gate(scripted);
        chip = TpmChip.over(gate, "gated", TpmChip.Options.defaults().withQueueTimeout(QUEUE_TIMEOUT));
        rm = ResourceManager.over(chip, ResourceManager.Options.defaults().withRetries(
                new RetryPolicy(3, backOff, backOff, EnumSet.of(TpmRc.RETRY))));
        scripted.answerOnce(c -> TpmHeader.commandCode(c) == TpmCc.GET_RANDOM.value(), TpmRc.RETRY);
    }

    @AfterEach
    void closeAndCheckNothingLeft() {
        if (swtpm != null) {
            gate.open();
            WithResourceManager.closeAndCheckNothingLeft(rm, chip, raw, swtpm);
        }
    }

    @Test
    void anInterruptDuringTheBackOffReachesTheCallerWithItsFlag() throws Exception {
        start(Duration.ofSeconds(30));
        try (Space patient = rm.openSpace("patient"); Space other = rm.openSpace("other")) {
            Client client = send(patient, getRandom(8));
            awaitFrame(client.thread(), "java.lang.Thread", "sleep");
            assertTrue(scripted.scriptDone(), "the warning was given");
            client.thread().interrupt();
            assertInterrupted(client.await());
            assertChipFree(patient, other);
        }
    }

    @Test
    void anInterruptWhileWaitingForTheChipAgainReachesTheCallerWithItsFlag() throws Exception {
        start(Duration.ofSeconds(1));
        try (Space patient = rm.openSpace("patient"); Space holder = rm.openSpace("holder")) {
            Queued queued = backingOffWhileAnotherHoldsTheChip(patient, holder);
            awaitFrame(queued.patient().thread(), TpmChip.class.getName(), "lockCommands");
            queued.patient().thread().interrupt();
            assertInterrupted(queued.patient().await());
            letTheHolderFinish(queued, patient, holder);
        }
    }

    @Test
    void aQueueTimeoutWhileWaitingForTheChipAgainReachesTheCaller() throws Exception {
        start(Duration.ofSeconds(1));
        try (Space patient = rm.openSpace("patient"); Space holder = rm.openSpace("holder")) {
            Queued queued = backingOffWhileAnotherHoldsTheChip(patient, holder);
            Outcome outcome = queued.patient().await();
            assertTrue(outcome.thrown() instanceof TpmTimeoutException, "a queue timeout, not " + outcome.thrown());
            assertTrue(outcome.thrown().getMessage().contains("for its turn"), outcome.thrown().getMessage());
            assertFalse(outcome.interrupted());
            letTheHolderFinish(queued, patient, holder);
        }
    }

    /** A command backing off after its warning, and another space's command that took the chip meanwhile. */
    private record Queued(Client patient, Client holder) {
    }

    private Queued backingOffWhileAnotherHoldsTheChip(Space patient, Space holder) throws InterruptedException {
        Client client = send(patient, getRandom(8));
        awaitFrame(client.thread(), "java.lang.Thread", "sleep");
        Client holding = send(holder, READ_CLOCK);
        gate.awaitHeld();
        return new Queued(client, holding);
    }

    private void letTheHolderFinish(Queued queued, Space... spaces) throws Exception {
        gate.open();
        assertSucceeded(queued.holder().await());
        assertChipFree(spaces);
    }

    private static Client send(Space space, byte[] command) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().name(space.name()).start(() -> {
            try {
                byte[] response = space.transmit(command);
                outcome.complete(new Outcome(response, null, Thread.currentThread().isInterrupted()));
            } catch (Throwable e) {
                outcome.complete(new Outcome(null, e, Thread.currentThread().isInterrupted()));
            }
        });
        return new Client(thread, outcome);
    }

    /** Waits until {@code thread} runs {@code className.method}: asleep in the back-off, or queued for the chip. */
    private static void awaitFrame(Thread thread, String className, String method) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Arrays.stream(thread.getStackTrace()).noneMatch(f -> f.getClassName().equals(className)
                && f.getMethodName().startsWith(method))) {
            if (System.nanoTime() > deadline || !thread.isAlive()) {
                fail(thread.getName() + " never reached " + className + "." + method);
            }
            Thread.sleep(5);
        }
    }

    private static void assertInterrupted(Outcome outcome) {
        assertNull(outcome.response(), "no response after an interrupt");
        assertEquals(TpmTransportException.class, outcome.thrown().getClass(), "tpm4j's exception, not "
                + outcome.thrown());
        assertTrue(outcome.thrown().getMessage().contains("interrupted"), outcome.thrown().getMessage());
        assertTrue(outcome.interrupted(), "the interrupt flag is kept");
    }

    private static void assertSucceeded(Outcome outcome) {
        assertNull(outcome.thrown(), () -> "failed: " + outcome.thrown());
        assertEquals(0, responseCode(outcome.response()).raw());
    }

    /** Nobody holds the chip: both spaces' commands get their turn within the queue timeout. */
    private static void assertChipFree(Space... spaces) {
        for (Space space : spaces) {
            assertEquals(0, responseCode(space.transmit(getRandom(4))).raw(), space.name());
        }
    }
}
