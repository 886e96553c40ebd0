package io.tpm4j.rm;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The order in which {@link FairCommandQueue} hands out turns, with plain threads: round-robin across peers, then
 * across a peer's spaces, first come first served within a space; and waiters that time out or are interrupted
 * leave without holding anyone else up.
 */
class FairCommandQueueTest {

    private static final long LONG = TimeUnit.SECONDS.toNanos(30);

    private final FairCommandQueue queue = new FairCommandQueue();
    private final List<String> turns = new CopyOnWriteArrayList<>();
    private final List<Thread> started = new ArrayList<>();

    /** A waiter's end: whether it got the turn, or what it threw. */
    private record Outcome(boolean got, Throwable thrown) {
    }

    @AfterEach
    void joinEveryone() throws InterruptedException {
        for (Thread thread : started) {
            thread.join(10_000);
            assertFalse(thread.isAlive(), thread.getName() + " still waits");
        }
    }

    @Test
    void turnsGoRoundPeersThenTheirSpacesThenFirstComeFirstServed() throws Exception {
        Object me = new Object();
        assertTrue(queue.acquire(new FairCommandQueue.Flow(null, me), LONG));
        Object peerP = "uid 1000";
        Object spaceA = new Object();
        Object spaceB = new Object();
        // Arrival order: three threads of P's space A, one of P's space B, then peer Q, then a space of its own.
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        outcomes.add(waitForTurn("a1", peerP, spaceA, LONG));
        outcomes.add(waitForTurn("a2", peerP, spaceA, LONG));
        outcomes.add(waitForTurn("a3", peerP, spaceA, LONG));
        outcomes.add(waitForTurn("b1", peerP, spaceB, LONG));
        outcomes.add(waitForTurn("q1", "uid 1001", new Object(), LONG));
        outcomes.add(waitForTurn("d1", null, new Object(), LONG));
        queue.release();
        for (CompletableFuture<Outcome> outcome : outcomes) {
            assertTrue(outcome.get(10, TimeUnit.SECONDS).got());
        }
        // P's space A, then the other peers, then P again with its other space, then A's remaining threads.
        assertEquals(List.of("a1", "q1", "d1", "b1", "a2", "a3"), turns);
    }

    @Test
    void aThreadThatComesBackQueuesBehindThePeersThatWaited() throws Exception {
        Object heavy = new Object();
        assertTrue(queue.acquire(new FairCommandQueue.Flow(null, heavy), LONG));
        CompletableFuture<Outcome> heavyAgain = waitForTurn("heavy-2", null, heavy, LONG);
        CompletableFuture<Outcome> light = waitForTurn("light", null, new Object(), LONG);
        queue.release();
        assertTrue(heavyAgain.get(10, TimeUnit.SECONDS).got());
        assertTrue(light.get(10, TimeUnit.SECONDS).got());
        // With a first-come-first-served lock heavy-2, queued first, would have gone first.
        assertEquals(List.of("light", "heavy-2"), turns);
    }

    @Test
    void aWaiterThatTimesOutLeavesTheOthersTheirTurns() throws Exception {
        Object me = new Object();
        assertTrue(queue.acquire(new FairCommandQueue.Flow(null, me), LONG));
        CompletableFuture<Outcome> first = waitForTurn("first", null, new Object(), LONG);
        Object shared = new Object();
        CompletableFuture<Outcome> impatient = waitForTurn("impatient", "peer", shared, TimeUnit.MILLISECONDS.toNanos(50));
        CompletableFuture<Outcome> behind = waitForTurn("behind", "peer", shared, LONG);
        CompletableFuture<Outcome> last = waitForTurn("last", null, new Object(), LONG);
        Outcome timedOut = impatient.get(10, TimeUnit.SECONDS);
        assertFalse(timedOut.got(), "the turn was never handed to it");
        assertEquals(3, queue.waiting(), "it left the queue");
        queue.release();
        for (CompletableFuture<Outcome> outcome : List.of(first, behind, last)) {
            assertTrue(outcome.get(10, TimeUnit.SECONDS).got());
        }
        assertEquals(List.of("first", "behind", "last"), turns);
        assertEquals(0, queue.waiting());
    }

    @Test
    void anInterruptedWaiterLeavesWithoutTheTurnAndTheOthersGetTheirs() throws Exception {
        Object me = new Object();
        assertTrue(queue.acquire(new FairCommandQueue.Flow(null, me), LONG));
        CompletableFuture<Outcome> interrupted = waitForTurn("interrupted", null, new Object(), LONG);
        Thread victim = started.getLast();
        CompletableFuture<Outcome> next = waitForTurn("next", null, new Object(), LONG);
        victim.interrupt();
        Outcome outcome = interrupted.get(10, TimeUnit.SECONDS);
        assertTrue(outcome.thrown() instanceof InterruptedException, "not " + outcome.thrown());
        assertEquals(1, queue.waiting());
        queue.release();
        assertTrue(next.get(10, TimeUnit.SECONDS).got());
        assertEquals(List.of("next"), turns);
    }

    @Test
    void anInterruptBeforeWaitingTakesNothingEvenWhenTheTurnIsFree() throws Exception {
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> queue.acquire(new FairCommandQueue.Flow(null, this), LONG));
        assertFalse(Thread.currentThread().isInterrupted(), "cleared, as a lock's tryLock clears it");
        assertThrows(IllegalMonitorStateException.class, queue::release);
        CompletableFuture<Outcome> other = waitForTurn("other", null, new Object(), LONG);
        assertTrue(other.get(10, TimeUnit.SECONDS).got(), "the turn was free");
    }

    @Test
    void theHolderMayTakeItAgainAndHandsItOnAfterTheLastRelease() throws Exception {
        FairCommandQueue.Flow mine = new FairCommandQueue.Flow(null, this);
        assertTrue(queue.acquire(mine, LONG));
        assertTrue(queue.acquire(mine, LONG));
        CompletableFuture<Outcome> waiter = waitForTurn("waiter", null, new Object(), LONG);
        queue.release();
        assertEquals(1, queue.waiting(), "still held after the first release");
        assertFalse(waiter.isDone());
        queue.release();
        assertTrue(waiter.get(10, TimeUnit.SECONDS).got());
    }

    @Test
    void onlyTheHolderMayRelease() throws Exception {
        assertThrows(IllegalMonitorStateException.class, queue::release);
        assertTrue(queue.acquire(new FairCommandQueue.Flow(null, this), LONG));
        CompletableFuture<Throwable> stranger = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                queue.release();
                stranger.complete(null);
            } catch (Throwable e) {
                stranger.complete(e);
            }
        }).join();
        assertTrue(stranger.get() instanceof IllegalMonitorStateException, "not " + stranger.get());
        queue.release();
    }

    /**
     * Starts a thread that waits for the turn as {@code space} of {@code peer}, records its name when it gets
     * it and lets go; returns once that thread is in the queue.
     */
    private CompletableFuture<Outcome> waitForTurn(String name, Object peer, Object space, long timeoutNanos)
            throws InterruptedException {
        int before = queue.waiting();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        started.add(Thread.ofPlatform().name(name).start(() -> {
            try {
                boolean got = queue.acquire(new FairCommandQueue.Flow(peer, space), timeoutNanos);
                if (got) {
                    turns.add(name);
                    queue.release();
                }
                outcome.complete(new Outcome(got, null));
            } catch (Throwable e) {
                outcome.complete(new Outcome(false, e));
            }
        }));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queue.waiting() == before && !outcome.isDone()) {
            if (System.nanoTime() > deadline) {
                fail(name + " never joined the queue");
            }
            Thread.sleep(1);
        }
        return outcome;
    }
}
