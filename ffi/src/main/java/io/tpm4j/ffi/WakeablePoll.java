package io.tpm4j.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A wait for one non-blocking descriptor to become ready, through the shared {@link SocketEvents} loop: the
 * waiting thread arms a one-shot interest and parks, so it never sits in a native call and may be virtual.
 * Another thread ends the wait with {@link #wake()}, in Java: no descriptor is written, so waking a socket that
 * is being closed cannot touch whatever reuses its descriptor number. Used by one thread, except {@link #wake()}.
 */
final class WakeablePoll {

    /** How a wait ended. */
    enum Outcome { READY, TIMEOUT, WOKEN }

    private final int fd;
    private final String owner;
    private final SocketEvents events;
    private final long number;
    private final MemorySegment callState;
    private final MemorySegment event;
    /** Whether the descriptor is in the loop's epoll set; touched by the waiting thread only. */
    private boolean added;
    private volatile boolean ready;
    private volatile boolean woken;
    private volatile Thread waiter;

    /** Registers with the loop (no descriptor is created); the caller still owns {@code fd}. */
    WakeablePoll(int fd, String owner, Arena arena) {
        this.fd = fd;
        this.owner = owner;
        this.events = SocketEvents.shared();
        this.callState = LibC.callState(arena);
        this.event = arena.allocate(LibC.EPOLL_EVENT_SIZE, 8);
        this.number = events.register(this);
    }

    /**
     * Waits at most {@code timeout} for {@code interest} (EPOLLIN, EPOLLOUT) on the descriptor; hang-up and
     * errors count as ready. With no interest (0) it only pauses, until the timeout or a wake. An interrupt of
     * the waiting thread ends the wait as a wake would, for this wait only.
     */
    Outcome await(int interest, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (woken) {
            return Outcome.WOKEN;
        }
        ready = false;
        waiter = Thread.currentThread();
        try {
            if (interest != 0) {
                int errno = events.arm(fd, number, interest, !added, event, callState);
                if (errno != 0) {
                    throw NativeFailures.ofSocket(owner, "epoll_ctl", errno);
                }
                added = true;
            }
            while (true) {
                if (woken || Thread.currentThread().isInterrupted()) {
                    return Outcome.WOKEN;
                }
                if (ready) {
                    // Readiness left over from an earlier wait that timed out is possible: callers retry the
                    // non-blocking call, which says EAGAIN, and wait again.
                    return Outcome.READY;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Outcome.TIMEOUT;
                }
                LockSupport.parkNanos(this, left);
            }
        } finally {
            waiter = null;
        }
    }

    /** Called by the loop when the armed interest fired. */
    void ready() {
        ready = true;
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Whether {@link #wake()} has been called. */
    boolean woken() {
        return woken;
    }

    /** Ends the current wait, and every later one, at once. */
    void wake() {
        woken = true;
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Leaves the loop; call before the descriptor is closed, from the thread that waits. */
    void close() {
        wake();
        events.deregister(number);
        if (added) {
            events.remove(fd, callState);
            added = false;
        }
    }
}
