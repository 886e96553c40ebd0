package io.tpm4j.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The kernel's end of a vTPM proxy in the tests: one end of a socketpair, on which the test writes commands
 * and reads each answer as the bytes of one write, with a deadline, so a proxy that stopped answering fails the
 * test at once instead of hanging it. Not thread-safe.
 */
final class KernelSide implements AutoCloseable {

    private static final int DEADLINE_MILLIS = 10_000;

    private final int fd;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = LibC.callState(arena);
    private final MemorySegment pollFd = arena.allocate(LibC.POLLFD);
    /** Larger than any answer the kernel could take, so an oversized one would show whole. */
    private final MemorySegment buffer = arena.allocate(1 << 17);
    private boolean closed;

    KernelSide(int fd) {
        this.fd = fd;
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, LibC.POLLFD_EVENTS, LibC.POLLIN);
    }

    /** Sends {@code command} and returns the answer; fails when none comes within the deadline. */
    byte[] transmit(byte[] command) {
        MemorySegment.copy(command, 0, buffer, ValueLayout.JAVA_BYTE, 0, command.length);
        long written = LibC.write(state, fd, buffer, command.length);
        if (written != command.length) {
            throw new AssertionError("the kernel side wrote " + written + " of " + command.length + " bytes");
        }
        int ready = LibC.poll(state, pollFd, 1, DEADLINE_MILLIS);
        if (ready != 1) {
            throw new AssertionError("no answer within " + DEADLINE_MILLIS + " ms (poll returned " + ready + ")");
        }
        long n = LibC.read(state, fd, buffer, buffer.byteSize());
        if (n <= 0) {
            throw new AssertionError("the proxy closed its end or the read failed (" + n + ")");
        }
        return buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Descriptors.close(fd);
            arena.close();
        }
    }
}
