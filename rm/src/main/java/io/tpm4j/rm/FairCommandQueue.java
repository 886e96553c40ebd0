package io.tpm4j.rm;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The turn at the TPM: one holder at a time, handed on round-robin across peers, then across the spaces of a
 * peer, and first come first served within a space. A peer with many spaces (a local user with 50 connections)
 * or a space with many threads gets one turn per round like everyone else, so a light client waits for at most
 * the command in flight plus one command of each other peer that is waiting.
 *
 * <p>A turn is handed straight to the next waiter when the holder lets go, so nobody can barge in between; the
 * peer and space that just had the turn go to the back of their rounds. Waits are bounded by the caller's
 * timeout and end on interrupt, leaving the rounds as if the waiter had never come. Reentrant, like the lock it
 * replaces. Uncontended, a turn costs one uncontended lock and unlock on each side and no allocation.
 */
final class FairCommandQueue {

    /**
     * Who asks for the turn: {@code space} is served first come first served with itself, {@code peer} groups
     * spaces that share one round (spaces of equal peers); a null peer makes the space its own peer.
     */
    record Flow(Object peer, Object space) {
        Flow {
            Objects.requireNonNull(space, "space");
            peer = peer == null ? space : peer;
        }
    }

    /** One thread waiting for its turn. */
    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        final SpaceQueue space;
        /** Set under the mutex when the turn is handed to this waiter. */
        volatile boolean granted;

        Waiter(SpaceQueue space) {
            this.space = space;
        }
    }

    /** A space's waiters; exists while it has any. */
    private static final class SpaceQueue {
        final Flow flow;
        final PeerQueue peer;
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

        SpaceQueue(Flow flow, PeerQueue peer) {
            this.flow = flow;
            this.peer = peer;
        }
    }

    /** A peer's spaces with waiters; exists while it has any. */
    private static final class PeerQueue {
        final Object key;
        final Map<Object, SpaceQueue> spaces = new HashMap<>();
        /** Its spaces in round order, without the space whose thread holds the turn (it goes back at the end). */
        final ArrayDeque<SpaceQueue> round = new ArrayDeque<>();

        PeerQueue(Object key) {
            this.key = key;
        }
    }

    static {
        // Loaded now, not at the first contention: a server out of file descriptors could not read a class file
        // then, and a class that failed to load stays failed.
        for (Class<?> nested : new Class<?>[]{Waiter.class, SpaceQueue.class, PeerQueue.class}) {
            nested.getName();
        }
    }

    private final ReentrantLock mutex = new ReentrantLock();
    // All guarded by the mutex.
    private final Map<Object, PeerQueue> peers = new HashMap<>();
    /** Peers in round order, without the holder's peer (it goes back at the end when it lets go). */
    private final ArrayDeque<PeerQueue> round = new ArrayDeque<>();
    private Thread owner;
    private int holds;
    private Flow held;

    /**
     * Waits for the turn at most {@code timeoutNanos}; true once this thread has it, false on timeout.
     *
     * @throws InterruptedException when the thread is interrupted before or while waiting; it does not have the
     *                              turn then
     */
    boolean acquire(Flow flow, long timeoutNanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Thread me = Thread.currentThread();
        Waiter waiter;
        mutex.lock();
        try {
            if (owner == me) {
                holds++;
                return true;
            }
            if (owner == null) {
                // Nobody holds the turn, so nobody waits: a holder that lets go hands it to the next waiter.
                take(me, flow);
                return true;
            }
            waiter = enqueue(flow);
        } finally {
            mutex.unlock();
        }
        return await(waiter, timeoutNanos);
    }

    /** Lets go of the turn taken by {@link #acquire}; the last release hands it on. */
    void release() {
        mutex.lock();
        try {
            if (owner != Thread.currentThread()) {
                throw new IllegalMonitorStateException(Thread.currentThread().getName()
                        + " does not hold the turn at the TPM");
            }
            if (--holds == 0) {
                handOn();
            }
        } finally {
            mutex.unlock();
        }
    }

    /** Threads waiting for their turn, for tests and diagnostics. */
    int waiting() {
        mutex.lock();
        try {
            int count = 0;
            for (PeerQueue peer : peers.values()) {
                for (SpaceQueue space : peer.spaces.values()) {
                    count += space.waiters.size();
                }
            }
            return count;
        } finally {
            mutex.unlock();
        }
    }

    private boolean await(Waiter waiter, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!waiter.granted) {
            long left = deadline - System.nanoTime();
            boolean interrupted = Thread.interrupted();
            if (left <= 0 || interrupted) {
                if (giveUp(waiter)) {
                    if (interrupted) {
                        release();   // handed the turn just as the interrupt came: pass it on
                        throw new InterruptedException();
                    }
                    return true;
                }
                if (interrupted) {
                    throw new InterruptedException();
                }
                return false;
            }
            LockSupport.parkNanos(this, left);
        }
        return true;
    }

    /** Leaves the queue on timeout or interrupt; true when the turn was handed over in the meantime. */
    private boolean giveUp(Waiter waiter) {
        mutex.lock();
        try {
            if (waiter.granted) {
                return true;
            }
            SpaceQueue space = waiter.space;
            space.waiters.remove(waiter);
            if (space.waiters.isEmpty()) {
                PeerQueue peer = space.peer;
                peer.spaces.remove(space.flow.space());
                peer.round.remove(space);
                if (peer.round.isEmpty()) {
                    round.remove(peer);
                }
                if (peer.spaces.isEmpty()) {
                    peers.remove(peer.key);
                }
            }
            return false;
        } finally {
            mutex.unlock();
        }
    }

    private Waiter enqueue(Flow flow) {
        PeerQueue peer = peers.computeIfAbsent(flow.peer(), PeerQueue::new);
        SpaceQueue space = peer.spaces.get(flow.space());
        if (space == null) {
            space = new SpaceQueue(flow, peer);
            peer.spaces.put(flow.space(), space);
            // The holder's space, and likewise its peer, rejoin their rounds when the holder lets go, at the back.
            if (!flow.equals(held)) {
                peer.round.addLast(space);
                if (peer.round.size() == 1 && !peer.key.equals(held.peer())) {
                    round.addLast(peer);
                }
            }
        }
        Waiter waiter = new Waiter(space);
        space.waiters.addLast(waiter);
        return waiter;
    }

    /** The holder let go: its space and peer go to the back of their rounds, and the next in turn gets it. */
    private void handOn() {
        PeerQueue heldPeer = peers.get(held.peer());
        if (heldPeer != null) {
            SpaceQueue heldSpace = heldPeer.spaces.get(held.space());
            if (heldSpace != null) {
                heldPeer.round.addLast(heldSpace);
            }
            if (!heldPeer.round.isEmpty()) {
                round.addLast(heldPeer);
            }
        }
        owner = null;
        held = null;
        PeerQueue peer = round.pollFirst();
        if (peer == null) {
            return;
        }
        SpaceQueue space = peer.round.pollFirst();
        Waiter next = space.waiters.pollFirst();
        if (space.waiters.isEmpty()) {
            peer.spaces.remove(space.flow.space());
        }
        if (peer.spaces.isEmpty()) {
            peers.remove(peer.key);
        }
        take(next.thread, space.flow);
        next.granted = true;
        LockSupport.unpark(next.thread);
    }

    private void take(Thread thread, Flow flow) {
        owner = thread;
        holds = 1;
        held = flow;
    }
}
