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
 * <p>Edge-triggered means a wait ends only for what happens after the previous one: after RESPONSE or HANGUP
 * the caller reads until read() has nothing more (EAGAIN, or the end of the stream) before waiting again. Used
 * under its device's lock; the wake descriptor is signalled from other threads.
 *
 * <p>On a kernel TPM device the wait can also report IDLE: the driver woke its waiters and has nothing to read.
 * Its only wake-ups are a finished command (something to read) and the discarding of a response left unread
 * for 120 seconds ({@code user_read_timer}), so IDLE means that a late response is gone.
 */
final class ResponseWait implements AutoCloseable {

    /** How a wait ended: something to read; the same, and the peer gone (or in error); and the rest above. */
    enum Outcome { RESPONSE, HANGUP, IDLE, TIMEOUT, WOKEN }

    private final String owner;
    /** -1 for a file that cannot be polled (such a file is always ready, as poll() would say). */
    private final int epollFd;
    private final int wakeFd;
    private final boolean reportsIdle;
    private final MemorySegment callState;
    private final MemorySegment events;

    private ResponseWait(String owner, int epollFd, int wakeFd, boolean reportsIdle, Arena arena) {
        this.owner = owner;
        this.epollFd = epollFd;
        this.wakeFd = wakeFd;
        this.reportsIdle = reportsIdle;
        this.callState = LibC.callState(arena);
        this.events = arena.allocate(2 * LibC.EPOLL_EVENT_SIZE, 8);
    }

    /**
     * Watches {@code fd} for input (edge-triggered) and {@code wakeFd} (level-triggered: once signalled, every
     * later wait ends at once). {@code kernelDevice}: {@code fd} is a kernel TPM device with no command running,
     * whose wake-ups without input mean IDLE (on a socket they would only mean room to write). The caller still
     * owns both descriptors; on failure nothing is left open.
     */
    static ResponseWait over(int fd, int wakeFd, boolean kernelDevice, String owner, Arena arena) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(call);
            int epollFd = LibC.epollCreate1(state, LibC.EPOLL_CLOEXEC);
            if (epollFd < 0) {
                throw NativeFailures.of(owner, "epoll_create1", LibC.errno(state));
            }
            MemorySegment event = call.allocate(LibC.EPOLL_EVENT_SIZE, 8);
            int input = LibC.EPOLLIN | LibC.EPOLLET | (kernelDevice ? LibC.EPOLLOUT : 0);
            for (int[] watch : new int[][] {{fd, input}, {wakeFd, LibC.EPOLLIN}}) {
                event.set(ValueLayout.JAVA_INT, 0, watch[1]);
                event.set(ValueLayout.JAVA_INT, LibC.EPOLL_EVENT_DATA, watch[0]);
                if (LibC.epollCtl(state, epollFd, LibC.EPOLL_CTL_ADD, watch[0], event) != 0) {
                    int errno = LibC.errno(state);
                    Descriptors.close(epollFd);
                    if (watch[0] == fd && errno == Errno.EPERM.number()) {
                        // No poll support (a regular file, /dev/null): not a TPM device; reads tell the rest.
                        return new ResponseWait(owner, -1, wakeFd, false, arena);
                    }
                    throw NativeFailures.of(owner, "epoll_ctl(EPOLL_CTL_ADD)", errno);
                }
            }
            ResponseWait wait = new ResponseWait(owner, epollFd, wakeFd, kernelDevice, arena);
            if (kernelDevice) {
                // Registering reported the idle device once; take that now, while no command runs.
                try {
                    wait.await(System.nanoTime());
                } catch (RuntimeException e) {
                    wait.close();
                    throw e;
                }
            }
            return wait;
        }
    }

    /**
     * Waits until input arrives, a kernel device reports IDLE, the deadline ({@link System#nanoTime()}) passes, or
     * the wake descriptor is signalled. A deadline already past still takes what is pending.
     */
    Outcome await(long deadline) {
        if (epollFd < 0) {
            return Outcome.RESPONSE;
        }
        while (true) {
            long left = deadline - System.nanoTime();
            // Round up so that a sub-millisecond remainder still waits instead of spinning.
            int millis = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
            int ready = LibC.epollWait(callState, epollFd, events, 2, millis);
            if (ready < 0) {
                int errno = LibC.errno(callState);
                if (errno == Errno.EINTR.number()) {
                    continue;
                }
                throw NativeFailures.of(owner, "epoll_wait", errno);
            }
            boolean input = false;
            boolean hangup = false;
            boolean idle = false;
            for (int i = 0; i < ready; i++) {
                long at = i * LibC.EPOLL_EVENT_SIZE;
                if (events.get(ValueLayout.JAVA_INT, at + LibC.EPOLL_EVENT_DATA) == wakeFd) {
                    return Outcome.WOKEN;
                }
                int revents = events.get(ValueLayout.JAVA_INT, at);
                hangup |= (revents & (LibC.EPOLLHUP | LibC.EPOLLERR)) != 0;
                input |= (revents & LibC.EPOLLIN) != 0;
                idle |= reportsIdle && (revents & LibC.EPOLLOUT) != 0;
            }
            if (hangup) {
                return Outcome.HANGUP;
            }
            if (input) {
                return Outcome.RESPONSE;
            }
            if (idle) {
                return Outcome.IDLE;
            }
            if (ready == 0 && System.nanoTime() - deadline >= 0) {
                return Outcome.TIMEOUT;
            }
        }
    }

    /** Closes the epoll descriptor (not the watched ones). */
    @Override
    public void close() {
        if (epollFd >= 0) {
            Descriptors.close(epollFd);
        }
    }
}
