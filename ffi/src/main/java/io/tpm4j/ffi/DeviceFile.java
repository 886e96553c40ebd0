package io.tpm4j.ffi;

import io.tpm4j.api.TpmException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A TPM device file driven one system call at a time: open, write, poll, read of any size, close. This is how
 * {@code ./tpm4j check} shows what a kernel's devices do (O_NONBLOCK, poll, partial and zero-length reads,
 * EBUSY on a second write); applications send commands through {@link LinuxTpmDevice}, which does all of it for
 * them. Each call is one syscall, with no retry and no framing; failures name the file, the syscall and the
 * errno. Not thread-safe.
 */
public final class DeviceFile implements AutoCloseable {

    /** What poll reported. */
    public record Readiness(boolean readable, boolean writable, boolean error, boolean hangup) {
        static Readiness of(short revents) {
            return new Readiness((revents & LibC.POLLIN) != 0, (revents & LibC.POLLOUT) != 0,
                    (revents & LibC.POLLERR) != 0, (revents & LibC.POLLHUP) != 0);
        }
    }

    private final String name;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = LibC.callState(arena);
    private final MemorySegment buffer = arena.allocate(LinuxTpmDevice.MAX_MESSAGE);
    private final MemorySegment pollFd = arena.allocate(LibC.POLLFD);
    private int fd;

    private DeviceFile(int fd, String name) {
        this.fd = fd;
        this.name = name;
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
    }

    /** open(path, O_RDWR | O_CLOEXEC, plus O_NONBLOCK if asked). */
    public static DeviceFile open(Path path, boolean nonBlocking) {
        NativeAccess.require();
        String name = path.toString();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment callState = LibC.callState(call);
            int flags = LibC.O_RDWR | LibC.O_CLOEXEC | (nonBlocking ? LibC.O_NONBLOCK : 0);
            int fd = LibC.open(callState, call.allocateFrom(name), flags, 0);
            if (fd < 0) {
                throw NativeFailures.of(name, "open", LibC.errno(callState));
            }
            return new DeviceFile(fd, name);
        }
    }

    /** One write(); returns what it returned (the byte count). At most 4096 bytes, the kernel's buffer. */
    public int write(byte[] bytes) {
        checkOpen();
        if (bytes.length > LinuxTpmDevice.MAX_MESSAGE) {
            throw new IllegalArgumentException(bytes.length + " bytes: at most " + LinuxTpmDevice.MAX_MESSAGE);
        }
        MemorySegment.copy(bytes, 0, buffer, ValueLayout.JAVA_BYTE, 0, bytes.length);
        long n = LibC.write(state, fd, buffer, bytes.length);
        if (n < 0) {
            throw failure("write");
        }
        return (int) n;
    }

    /** One read() of at most {@code max} bytes (0 to 4096); returns what it gave, empty when it returned 0. */
    public byte[] read(int max) {
        checkOpen();
        if (max < 0 || max > LinuxTpmDevice.MAX_MESSAGE) {
            throw new IllegalArgumentException("read size " + max + ": 0 to " + LinuxTpmDevice.MAX_MESSAGE);
        }
        long n = LibC.read(state, fd, buffer, max);
        if (n < 0) {
            throw failure("read");
        }
        return buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * One poll() for POLLIN and POLLOUT with a zero timeout: what the file reports now. On the kernel's TPM devices
     * it still waits for a running command to end (see {@link #awaitReadable}).
     */
    public Readiness readiness() {
        return poll((short) (LibC.POLLIN | LibC.POLLOUT), Duration.ZERO);
    }

    /**
     * One poll() for POLLIN, waiting at most {@code timeout}. (Asking for POLLOUT too would not wait: a TPM
     * device reports POLLOUT whenever no response is pending.) On the kernel's TPM devices the timeout does not
     * bound the call while a non-blocking command runs: the driver's poll waits for the mutex the command's worker
     * holds, so the call returns when the TPM answers (why {@link LinuxTpmDevice} waits with epoll).
     */
    public Readiness awaitReadable(Duration timeout) {
        return poll(LibC.POLLIN, timeout);
    }

    private Readiness poll(short events, Duration timeout) {
        checkOpen();
        pollFd.set(ValueLayout.JAVA_SHORT, LibC.POLLFD_EVENTS, events);
        pollFd.set(ValueLayout.JAVA_SHORT, LibC.POLLFD_REVENTS, (short) 0);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        if (LibC.poll(state, pollFd, 1, millis) < 0) {
            throw failure("poll");
        }
        return Readiness.of(pollFd.get(ValueLayout.JAVA_SHORT, LibC.POLLFD_REVENTS));
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            // The descriptor is released even when close reports an error (Linux semantics).
            LibC.close(state, fd);
            fd = -1;
            arena.close();
        }
    }

    private void checkOpen() {
        if (fd < 0) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    private TpmException failure(String syscall) {
        return NativeFailures.of(name, syscall, LibC.errno(state));
    }

    @Override
    public String toString() {
        return "DeviceFile[" + name + (fd < 0 ? ", closed]" : ", fd " + fd + "]");
    }
}
