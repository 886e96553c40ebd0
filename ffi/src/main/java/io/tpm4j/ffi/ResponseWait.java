package io.tpm4j.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Waits for a TPM response with a deadline that holds on the kernel's TPM devices.
 *
 * <p>poll() cannot do that: the kernel's poll for /dev/tpmN and /dev/tpmrmN takes the file's buffer mutex, which
 * the worker running a non-blocking command holds until the TPM answers, so poll() blocks for the whole command
 * whatever its timeout. An edge-triggered epoll asks the driver only after a wake-up, and the driver wakes its
 * waiters after releasing the mutex; until then epoll_wait sleeps with its own timeout. The same wait serves
 * sockets, where each arrival of data is a wake-up.
 *
 * <p>Edge-triggered means a wait ends only for what happens after the previous one: the caller reads what a
 * READY reported before waiting again, and after a hang-up it reads on without waiting (no further wake-up
 * comes). Used under its device's lock; the wake descriptor is signalled from other threads.
 */
final class ResponseWait implements AutoCloseable {

    private final String owner;
    /** -1 for a file that cannot be polled (such a file is always ready, as poll() would say). */
    private final int epollFd;
    private final int wakeFd;
    private final MemorySegment callState;
    private final MemorySegment events;
    private boolean hangup;

    private ResponseWait(String owner, int epollFd, int wakeFd, Arena arena) {
        this.owner = owner;
        this.epollFd = epollFd;
        this.wakeFd = wakeFd;
        this.callState = LibC.callState(arena);
        this.events = arena.allocate(2 * LibC.EPOLL_EVENT_SIZE, 8);
    }

    /**
     * Watches {@code fd} for input (edge-triggered) and {@code wakeFd} (level-triggered: once signalled, every
     * later wait ends at once). The caller still owns both descriptors; on failure nothing is left open.
     */
    static ResponseWait over(int fd, int wakeFd, String owner, Arena arena) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(call);
            int epollFd = LibC.epollCreate1(state, LibC.EPOLL_CLOEXEC);
            if (epollFd < 0) {
                throw NativeFailures.of(owner, "epoll_create1", LibC.errno(state));
            }
            MemorySegment event = call.allocate(LibC.EPOLL_EVENT_SIZE, 8);
            for (int[] watch : new int[][] {{fd, LibC.EPOLLIN | LibC.EPOLLET}, {wakeFd, LibC.EPOLLIN}}) {
                event.set(ValueLayout.JAVA_INT, 0, watch[1]);
                event.set(ValueLayout.JAVA_INT, LibC.EPOLL_EVENT_DATA, watch[0]);
                if (LibC.epollCtl(state, epollFd, LibC.EPOLL_CTL_ADD, watch[0], event) != 0) {
                    int errno = LibC.errno(state);
                    Descriptors.close(epollFd);
                    if (watch[0] == fd && errno == Errno.EPERM.number()) {
                        // No poll support (a regular file, /dev/null): not a TPM device; reads tell the rest.
                        return new ResponseWait(owner, -1, wakeFd, arena);
                    }
                    throw NativeFailures.of(owner, "epoll_ctl(EPOLL_CTL_ADD)", errno);
                }
            }
            return new ResponseWait(owner, epollFd, wakeFd, arena);
        }
    }

    /** Waits until input arrives, the deadline ({@link System#nanoTime()}) passes, or the wake descriptor is signalled. */
    WakeablePoll.Outcome await(long deadline) {
        hangup = false;
        if (epollFd < 0) {
            return WakeablePoll.Outcome.READY;
        }
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return WakeablePoll.Outcome.TIMEOUT;
            }
            // Round up so that a sub-millisecond remainder still waits instead of spinning.
            int millis = (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
            int ready = LibC.epollWait(callState, epollFd, events, 2, millis);
            if (ready < 0) {
                int errno = LibC.errno(callState);
                if (errno == Errno.EINTR.number()) {
                    continue;
                }
                throw NativeFailures.of(owner, "epoll_wait", errno);
            }
            boolean input = false;
            for (int i = 0; i < ready; i++) {
                long at = i * LibC.EPOLL_EVENT_SIZE;
                if (events.get(ValueLayout.JAVA_INT, at + LibC.EPOLL_EVENT_DATA) == wakeFd) {
                    return WakeablePoll.Outcome.WOKEN;
                }
                int revents = events.get(ValueLayout.JAVA_INT, at);
                hangup |= (revents & (LibC.EPOLLHUP | LibC.EPOLLERR)) != 0;
                input = true;
            }
            if (input) {
                return WakeablePoll.Outcome.READY;
            }
        }
    }

    /** Whether the last READY included a hang-up or an error: the peer is gone, read on without waiting. */
    boolean hangup() {
        return hangup;
    }

    /** Closes the epoll descriptor (not the watched ones). */
    @Override
    public void close() {
        if (epollFd >= 0) {
            Descriptors.close(epollFd);
        }
    }
}
