package io.tpm4j.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

/**
 * A descriptor polled together with an eventfd that another thread signals to end the wait at once: how a
 * listener or a connection is stopped without waiting for its timeout. Used by one thread, except {@link #wake()}.
 */
final class WakeablePoll {

    /** How a wait ended. */
    enum Outcome { READY, TIMEOUT, WOKEN }

    private static final long WAKE = LibC.POLLFD.byteSize();

    private final String owner;
    private final int wakeFd;
    private final MemorySegment callState;
    private final MemorySegment pollFds;

    /** Creates the eventfd; on failure nothing is left open (the caller still owns {@code fd}). */
    WakeablePoll(int fd, String owner, Arena arena) {
        this.owner = owner;
        this.wakeFd = Descriptors.newWakeFd(owner);
        this.callState = LibC.callState(arena);
        this.pollFds = arena.allocate(LibC.POLLFD, 2);
        pollFds.set(ValueLayout.JAVA_INT, 0, fd);
        pollFds.set(ValueLayout.JAVA_INT, WAKE, wakeFd);
        pollFds.set(ValueLayout.JAVA_SHORT, WAKE + LibC.POLLFD_EVENTS, LibC.POLLIN);
    }

    /** Waits at most {@code timeout} for {@code events} on the descriptor; hang-up and errors count as ready. */
    Outcome await(short events, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        pollFds.set(ValueLayout.JAVA_SHORT, LibC.POLLFD_EVENTS, events);
        while (true) {
            pollFds.set(ValueLayout.JAVA_SHORT, LibC.POLLFD_REVENTS, (short) 0);
            pollFds.set(ValueLayout.JAVA_SHORT, WAKE + LibC.POLLFD_REVENTS, (short) 0);
            long left = deadline - System.nanoTime();
            int millis = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
            int ready = LibC.poll(callState, pollFds, 2, millis);
            if (ready < 0) {
                int errno = LibC.errno(callState);
                if (errno == Errno.EINTR.number()) {
                    continue;
                }
                throw NativeFailures.ofSocket(owner, "poll", errno);
            }
            if (woken()) {
                return Outcome.WOKEN;
            }
            if (ready > 0) {
                return Outcome.READY;
            }
            if (System.nanoTime() >= deadline) {
                return Outcome.TIMEOUT;
            }
        }
    }

    /** Whether the last wait ended because of {@link #wake()}. */
    boolean woken() {
        return (pollFds.get(ValueLayout.JAVA_SHORT, WAKE + LibC.POLLFD_REVENTS) & LibC.POLLIN) != 0;
    }

    /** Ends the current wait, and every later one, at once. */
    void wake() {
        Descriptors.signal(wakeFd);
    }

    /** Closes the eventfd (not the descriptor). */
    void close() {
        Descriptors.close(wakeFd);
    }
}
