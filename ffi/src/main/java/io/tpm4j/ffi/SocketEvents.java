package io.tpm4j.ffi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process's one readiness loop for sockets: a single platform thread in epoll_wait over every listener and
 * connection. A thread that would block arms a one-shot interest for its descriptor ({@link WakeablePoll}) and
 * parks; the loop unparks it when the descriptor is ready. No thread but the loop's ever waits in a native call,
 * so connections can be served by virtual threads (a native call pins its carrier for as long as it lasts), and
 * a thousand idle connections cost a thousand parked virtual threads and no descriptor beyond their sockets.
 *
 * <p>epoll's data field carries a registration number, never the descriptor: an event fetched for a socket just
 * closed cannot reach whoever gets its descriptor number next, it finds no registration and is dropped.
 */
final class SocketEvents {

    private static final Logger log = LoggerFactory.getLogger(SocketEvents.class);
    private static final int BATCH = 256;
    private static final Object LOCK = new Object();
    private static SocketEvents shared;

    private final int epollFd;
    private final Map<Long, WakeablePoll> registered = new ConcurrentHashMap<>();
    private final AtomicLong nextNumber = new AtomicLong();

    private SocketEvents(int epollFd) {
        this.epollFd = epollFd;
    }

    /** The loop, started on first use; it runs, idle in epoll_wait when nothing is armed, until the JVM exits. */
    static SocketEvents shared() {
        synchronized (LOCK) {
            if (shared == null) {
                int fd;
                try (Arena call = Arena.ofConfined()) {
                    MemorySegment state = LibC.callState(call);
                    fd = LibC.epollCreate1(state, LibC.EPOLL_CLOEXEC);
                    if (fd < 0) {
                        throw NativeFailures.of("socket event loop", "epoll_create1", LibC.errno(state));
                    }
                }
                SocketEvents events = new SocketEvents(fd);
                Thread.ofPlatform().name("tpm4j-socket-events").daemon(true).start(events::run);
                shared = events;
            }
            return shared;
        }
    }

    /** A number for {@code poll}'s events, until {@link #deregister}. */
    long register(WakeablePoll poll) {
        long number = nextNumber.incrementAndGet();
        registered.put(number, poll);
        return number;
    }

    void deregister(long number) {
        registered.remove(number);
    }

    /**
     * Arms a one-shot interest in {@code events} for {@code fd}: the next readiness (or hang-up, or error) is
     * reported once, then the interest is off until armed again.
     *
     * @param event  an epoll_event the caller owns, for this call
     * @param add    whether {@code fd} is not in the loop yet (EPOLL_CTL_ADD rather than MOD)
     * @return 0, or the errno of epoll_ctl
     */
    int arm(int fd, long number, int events, boolean add, MemorySegment event, MemorySegment callState) {
        event.set(ValueLayout.JAVA_INT, 0, events | LibC.EPOLLONESHOT);
        event.set(ValueLayout.JAVA_LONG_UNALIGNED, LibC.EPOLL_EVENT_DATA, number);
        int result = LibC.epollCtl(callState, epollFd, add ? LibC.EPOLL_CTL_ADD : LibC.EPOLL_CTL_MOD, fd, event);
        return result == 0 ? 0 : LibC.errno(callState);
    }

    /** Takes {@code fd} out of the loop, before it is closed. */
    void remove(int fd, MemorySegment callState) {
        LibC.epollCtl(callState, epollFd, LibC.EPOLL_CTL_DEL, fd, MemorySegment.NULL);
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = LibC.callState(arena);
            MemorySegment events = arena.allocate(BATCH * LibC.EPOLL_EVENT_SIZE, 8);
            while (true) {
                int ready = LibC.epollWait(callState, epollFd, events, BATCH, -1);
                if (ready < 0) {
                    int errno = LibC.errno(callState);
                    if (errno != Errno.EINTR.number()) {
                        // Nothing here can fix it; waiters still end at their deadlines. Do not spin.
                        log.error("socket event loop: epoll_wait failed: {}", Errno.nameOf(errno));
                        pause();
                    }
                    continue;
                }
                for (int i = 0; i < ready; i++) {
                    long number = events.get(ValueLayout.JAVA_LONG_UNALIGNED, i * LibC.EPOLL_EVENT_SIZE + LibC.EPOLL_EVENT_DATA);
                    WakeablePoll poll = registered.get(number);
                    if (poll != null) {
                        poll.ready();
                    }
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
