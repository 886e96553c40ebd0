package io.tpm4j.ffi;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TPM character device ({@code /dev/tpmrm0}, {@code /dev/tpm0}) or any file descriptor that speaks TPM
 * commands (a socket to {@code swtpm chardev}, the vTPM proxy): write the command, wait for the response
 * with a deadline, read until the header's size is satisfied. The wait is an edge-triggered epoll, not poll():
 * the kernel's poll() on a TPM device blocks while the device's command runs (see {@link ResponseWait}).
 *
 * <p>Thread-safe: commands are serialised. By default the descriptor is non-blocking, so every command has
 * the deadline given by {@link Options#timeouts()}; in blocking mode the kernel runs the command inside
 * {@code write()} and its own timeouts apply. After a timeout the late response is read and discarded
 * before the next command, so no command ever receives another's response; while it has not arrived,
 * every command fails with {@link TpmTimeoutException}.
 */
public final class LinuxTpmDevice implements TpmTransport {

    private static final Logger log = LoggerFactory.getLogger(LinuxTpmDevice.class);

    /** TPM_BUFSIZE in drivers/char/tpm/tpm.h: the largest command or response the kernel carries. */
    public static final int MAX_MESSAGE = 4096;
    private static final ValueLayout.OfInt BIG_ENDIAN_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** How a device is driven. */
    public record Options(boolean nonBlocking, CommandTimeouts timeouts) {
        public Options {
            Objects.requireNonNull(timeouts, "timeouts");
        }

        /** Non-blocking, with the kernel's per-command durations as deadlines. */
        public static Options defaults() {
            return new Options(true, CommandTimeouts.kernelDefaults());
        }

        public Options withTimeouts(CommandTimeouts timeouts) {
            return new Options(nonBlocking, timeouts);
        }

        public Options withTimeout(Duration timeout) {
            return withTimeouts(CommandTimeouts.fixed(timeout));
        }

        public Options blocking() {
            return new Options(false, timeouts);
        }
    }

    private final String name;
    private final Options options;
    private final ReentrantLock lock = new ReentrantLock();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState;
    /** poll() for room to write, and for responses in blocking mode; see {@link #awaitResponse}. */
    private final MemorySegment pollFd;
    private final ResponseWait responseWait;
    private final MemorySegment out;
    private final MemorySegment in;
    private final int fd;
    /** An eventfd that close() signals, so a thread waiting for a response wakes at once instead of at its deadline. */
    private final int wakeFd;
    private final AtomicBoolean closing = new AtomicBoolean();

    private boolean removed;
    /** Why framing was lost, when it was; the device is then unusable. */
    private String broken;
    /** The command that timed out and whose response has not been read yet, or 0. */
    private int lateCommand;
    /** Bytes of a response read so far (kept across a timeout). */
    private int filled;

    private LinuxTpmDevice(int fd, int wakeFd, boolean kernelDevice, String name, Options options) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.name = name;
        this.options = options;
        this.callState = LibC.callState(arena);
        this.pollFd = arena.allocate(LibC.POLLFD, 2);
        this.out = arena.allocate(MAX_MESSAGE);
        this.in = arena.allocate(MAX_MESSAGE);
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_INT, LibC.POLLFD.byteSize(), wakeFd);
        pollFd.set(ValueLayout.JAVA_SHORT, LibC.POLLFD.byteSize() + LibC.POLLFD_EVENTS, LibC.POLLIN);
        try {
            this.responseWait = ResponseWait.over(fd, wakeFd, kernelDevice, name, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Adds the wake descriptor and the device; if this throws, the caller still owns {@code fd} and nothing else
     * is open. {@code kernelDevice}: {@code fd} was opened as a kernel TPM device (not a socket).
     */
    private static LinuxTpmDevice create(int fd, boolean kernelDevice, String name, Options options) {
        int wake = Descriptors.newWakeFd(name);
        try {
            return new LinuxTpmDevice(fd, wake, kernelDevice, name, options);
        } catch (RuntimeException e) {
            Descriptors.close(wake);
            throw e;
        }
    }

    /** Opens a TPM device with the default options (non-blocking, kernel deadlines). */
    public static LinuxTpmDevice open(Path path) {
        return open(path, Options.defaults());
    }

    /**
     * Opens a TPM device ({@code O_RDWR | O_CLOEXEC}, plus {@code O_NONBLOCK} unless blocking).
     *
     * @throws TpmTransportException naming the path, the syscall and errno, and what to do
     * @throws TpmDeviceRemovedException when the path belongs to a TPM that is gone
     */
    public static LinuxTpmDevice open(Path path, Options options) {
        NativeAccess.require();
        String name = path.toString();
        int flags = LibC.O_RDWR | LibC.O_CLOEXEC | (options.nonBlocking() ? LibC.O_NONBLOCK : 0);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(call);
            int fd = LibC.open(state, call.allocateFrom(name), flags, 0);
            if (fd < 0) {
                throw NativeFailures.of(name, "open", LibC.errno(state));
            }
            LinuxTpmDevice device;
            try {
                device = create(fd, true, name, options);
            } catch (RuntimeException e) {
                LibC.close(state, fd);
                throw e;
            }
            log.debug("opened {} as fd {}", name, fd);
            return device;
        }
    }

    /**
     * Connects to a Unix stream socket that carries raw TPM commands and responses — the data channel of
     * {@code swtpm socket --server type=unixio,path=PATH}, or tpm4j's RM server ({@code --raw unix:PATH}) — and
     * drives it like a device: the same write, poll and read, with the same deadlines and removal semantics.
     */
    public static LinuxTpmDevice connect(Path socket, Options options) {
        NativeAccess.require();
        String name = "unix:" + socket;
        byte[] path = Descriptors.unixPath(socket, name);
        int fd = Descriptors.streamSocket(LibC.AF_UNIX, name);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(call);
            if (LibC.connect(state, fd, Descriptors.sockaddrUn(call, path), Descriptors.SOCKADDR_UN_SIZE) != 0) {
                throw NativeFailures.ofSocket(name, "connect", LibC.errno(state));
            }
            return wrap(fd, name, options);
        } catch (RuntimeException e) {
            Descriptors.close(fd);
            throw e;
        }
    }

    /**
     * Takes ownership of an open file descriptor that speaks TPM commands (it is closed with this device),
     * and sets its O_NONBLOCK flag as {@code options} say. If this throws, the caller still owns {@code fd}.
     */
    public static LinuxTpmDevice wrap(int fd, String name, Options options) {
        NativeAccess.require();
        if (fd < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + fd);
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(call);
            int flags = LibC.fcntl(state, fd, LibC.F_GETFL, 0);
            if (flags < 0) {
                throw NativeFailures.of(name, "fcntl(F_GETFL)", LibC.errno(state));
            }
            int wanted = options.nonBlocking() ? flags | LibC.O_NONBLOCK : flags & ~LibC.O_NONBLOCK;
            if (wanted != flags && LibC.fcntl(state, fd, LibC.F_SETFL, wanted) < 0) {
                throw NativeFailures.of(name, "fcntl(F_SETFL)", LibC.errno(state));
            }
        }
        return create(fd, false, name, options);
    }

    /** The path or description given when the device was opened. */
    public String name() {
        return name;
    }

    public Options options() {
        return options;
    }

    @Override
    public byte[] transmit(byte[] command) {
        int code = TpmHeader.commandCode(command);
        if (command.length > MAX_MESSAGE) {
            throw new IllegalArgumentException(TpmCc.describe(code) + " is " + command.length
                    + " bytes, more than the kernel's " + MAX_MESSAGE + "-byte TPM buffer");
        }
        Duration timeout = options.timeouts().forCommand(code);
        lock.lock();
        try {
            checkUsable();
            long deadline = System.nanoTime() + timeout.toNanos();
            if (lateCommand != 0) {
                discardLateResponse(deadline, timeout);
            }
            writeCommand(command, code, deadline, timeout);
            return readResponse(code, deadline, timeout, false);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the device can take commands: open, its TPM present, its framing intact. */
    public boolean isUsable() {
        lock.lock();
        try {
            return !closing.get() && !removed && broken == null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the descriptor once. A command waiting for its response on another thread is woken and fails
     * with {@link IllegalStateException}; the descriptor is closed only after that thread has let go of it,
     * so its number is never used after the kernel may have given it to another file.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        Descriptors.signal(wakeFd);
        lock.lock();
        try {
            responseWait.close();
            for (int descriptor : new int[] {fd, wakeFd}) {
                if (LibC.close(callState, descriptor) != 0) {
                    // The descriptor is released even when close reports an error (Linux semantics).
                    log.debug("{}: close failed with {}", name, Errno.nameOf(LibC.errno(callState)));
                }
            }
            arena.close();
        } finally {
            lock.unlock();
        }
    }

    private void checkUsable() {
        if (closing.get()) {
            throw new IllegalStateException(name + " is closed");
        }
        if (removed) {
            throw new TpmDeviceRemovedException(name, "the TPM is gone; this device was removed earlier", null);
        }
        if (broken != null) {
            throw new TpmTransportException(name, "unusable: " + broken + "; close it and open the device again");
        }
    }

    private void writeCommand(byte[] command, int code, long deadline, Duration timeout) {
        MemorySegment.copy(command, 0, out, ValueLayout.JAVA_BYTE, 0, command.length);
        int written = 0;
        while (written < command.length) {
            // Slices only for the rest of a partial write: the common case passes the buffer itself.
            long n = LibC.write(callState, fd, written == 0 ? out : out.asSlice(written), command.length - written);
            if (n >= 0) {
                written += (int) n;
                continue;
            }
            int errno = LibC.errno(callState);
            if (errno == Errno.EINTR.number()) {
                continue;
            }
            if (errno == Errno.EAGAIN.number()) {
                // Only sockets fill up; a TPM device takes the whole command or refuses it.
                if (!poll(LibC.POLLOUT, deadline)) {
                    if (written > 0) {
                        broken = "a timeout left " + TpmCc.describe(code) + " partly written";
                    }
                    throw new TpmTimeoutException(name, code, timeout, "could not send " + TpmCc.describe(code)
                            + " within " + timeout.toMillis() + " ms: the TPM is not taking commands");
                }
                continue;
            }
            throw fail("write", errno);
        }
    }

    /** Reads the response to {@code code}; for a {@code late} one, null if the kernel has discarded it. */
    private byte[] readResponse(int code, long deadline, Duration timeout, boolean late) {
        boolean hangup = false;
        // An edge-triggered wait reports an arrival once: after bytes came, read on until EAGAIN before waiting
        // again, or an end of stream (or hang-up) that came with them would never be reported.
        boolean readOn = false;
        while (true) {
            int expected = filled >= 6 ? declaredSize(code) : TpmHeader.SIZE;
            if (filled >= TpmHeader.SIZE && filled >= expected) {
                if (filled > expected) {
                    broken = "framing lost after a response longer than its header said";
                    filled = 0;
                    throw new TpmProtocolException(name + ": response to " + TpmCc.describe(code) + " has "
                            + "more bytes than the " + expected + " its header declares", expected);
                }
                byte[] response = new byte[expected];
                MemorySegment.copy(in, ValueLayout.JAVA_BYTE, 0, response, 0, expected);
                filled = 0;
                return response;
            }
            if (!readOn) {
                ResponseWait.Outcome outcome = awaitResponse(deadline);
                if (outcome == ResponseWait.Outcome.TIMEOUT) {
                    lateCommand = code;
                    throw new TpmTimeoutException(name, code, timeout, "no response to " + TpmCc.describe(code)
                            + " within " + timeout.toMillis() + " ms; the TPM is busy or hung (the late response "
                            + "will be discarded before the next command)");
                }
                if (outcome == ResponseWait.Outcome.IDLE) {
                    // A kernel device with nothing to read: it discarded a late response, or (not late) nothing
                    // happened that concerns this command, whose end is the next wake-up.
                    if (late) {
                        filled = 0;
                        return null;
                    }
                    continue;
                }
                hangup = outcome == ResponseWait.Outcome.HANGUP;
            }
            long n = LibC.read(callState, fd, filled == 0 ? in : in.asSlice(filled), MAX_MESSAGE - filled);
            if (n > 0) {
                filled += (int) n;
                readOn = options.nonBlocking();
            } else if (n == 0) {
                endOfData(code, hangup);
            } else {
                int errno = LibC.errno(callState);
                if (errno == Errno.EAGAIN.number()) {
                    readOn = false;
                } else if (errno != Errno.EINTR.number()) {
                    throw fail("read", errno);
                }
            }
        }
    }

    /** The size field of the response being read, checked against the header size and the kernel's buffer. */
    private int declaredSize(int code) {
        int size = in.get(BIG_ENDIAN_INT, 2);
        if (size < TpmHeader.SIZE || size > MAX_MESSAGE) {
            broken = "framing lost after a response with an impossible size field";
            filled = 0;
            throw new TpmProtocolException(name + ": response to " + TpmCc.describe(code) + " declares "
                    + Integer.toUnsignedString(size) + " bytes; a TPM response has " + TpmHeader.SIZE + " to "
                    + MAX_MESSAGE, 2);
        }
        return size;
    }

    /**
     * read() returned 0. On a socket with POLLHUP that is the peer closing; on a TPM device (whose read
     * returns 0 when nothing is pending) or a datagram socket it is an empty response.
     */
    private void endOfData(int code, boolean hangup) {
        int had = filled;
        filled = 0;
        if (hangup) {
            removed = true;
            if (had > 0) {
                throw new TpmProtocolException(name + ": response to " + TpmCc.describe(code) + " truncated: "
                        + had + " bytes arrived, then the TPM closed the connection", had);
            }
            throw new TpmDeviceRemovedException(name, "the TPM closed the connection (end of stream) while "
                    + TpmCc.describe(code) + " was outstanding", null);
        }
        if (had > 0) {
            broken = "framing lost after a truncated response";
            throw new TpmProtocolException(name + ": response to " + TpmCc.describe(code) + " truncated after "
                    + had + " bytes", had);
        }
        throw new TpmProtocolException(name + ": the device returned an empty response to "
                + TpmCc.describe(code) + " (a kernel that lost the command's error returns this)", 0);
    }

    private void discardLateResponse(long deadline, Duration timeout) {
        int late = lateCommand;
        try {
            if (readResponse(late, deadline, timeout, true) == null) {
                log.warn("{}: the late response to {} was left unread so long that the kernel discarded it",
                        name, TpmCc.describe(late));
            } else {
                log.debug("{}: discarded the late response to {}", name, TpmCc.describe(late));
            }
            lateCommand = 0;
        } catch (TpmTimeoutException e) {
            lateCommand = late;
            throw new TpmTimeoutException(name, late, timeout, "still no response to " + TpmCc.describe(late)
                    + ", which timed out earlier; the TPM is not answering, and no command can be sent until it "
                    + "does (close the device if it stays hung)");
        } catch (TpmProtocolException e) {
            lateCommand = 0;
            throw e;
        }
    }

    /**
     * Waits for (the rest of) a response until the deadline. Non-blocking, the command may be running in the
     * kernel, whose poll() would block until it ends: {@link ResponseWait} keeps the deadline. A blocking write()
     * returns with the kernel's response in place, so poll() serves there.
     */
    private ResponseWait.Outcome awaitResponse(long deadline) {
        if (!options.nonBlocking()) {
            if (!poll(LibC.POLLIN, deadline)) {
                return ResponseWait.Outcome.TIMEOUT;
            }
            short revents = pollFd.get(ValueLayout.JAVA_SHORT, LibC.POLLFD_REVENTS);
            return (revents & (LibC.POLLHUP | LibC.POLLERR)) != 0 ? ResponseWait.Outcome.HANGUP
                    : ResponseWait.Outcome.RESPONSE;
        }
        ResponseWait.Outcome outcome = responseWait.await(deadline);
        if (outcome == ResponseWait.Outcome.WOKEN) {
            throw new IllegalStateException(name + " was closed while waiting for the TPM");
        }
        return outcome;
    }

    /**
     * Polls for {@code events} until the deadline; false on timeout. EINTR is retried with the time left. Serves
     * where poll() does not block: room to write on a socket (a TPM device takes the whole command or refuses
     * it), and responses in blocking mode.
     */
    private boolean poll(short events, long deadline) {
        pollFd.set(ValueLayout.JAVA_SHORT, LibC.POLLFD_EVENTS, events);
        while (true) {
            pollFd.set(ValueLayout.JAVA_SHORT, LibC.POLLFD_REVENTS, (short) 0);
            pollFd.set(ValueLayout.JAVA_SHORT, LibC.POLLFD.byteSize() + LibC.POLLFD_REVENTS, (short) 0);
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            // Round up so that a sub-millisecond remainder still waits instead of spinning.
            int millis = (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
            int ready = LibC.poll(callState, pollFd, 2, millis);
            if (ready > 0) {
                if (pollFd.get(ValueLayout.JAVA_SHORT, LibC.POLLFD.byteSize() + LibC.POLLFD_REVENTS) != 0) {
                    throw new IllegalStateException(name + " was closed while waiting for the TPM");
                }
                short revents = pollFd.get(ValueLayout.JAVA_SHORT, LibC.POLLFD_REVENTS);
                if ((revents & LibC.POLLNVAL) != 0) {
                    throw new TpmTransportException(name, "poll", "POLLNVAL",
                            "the file descriptor is not open", null);
                }
                return true;
            }
            if (ready < 0) {
                int errno = LibC.errno(callState);
                if (errno != Errno.EINTR.number()) {
                    throw fail("poll", errno);
                }
            }
        }
    }

    private RuntimeException fail(String syscall, int errno) {
        RuntimeException e = NativeFailures.of(name, syscall, errno);
        if (e instanceof TpmDeviceRemovedException) {
            removed = true;
        }
        filled = 0;
        return e;
    }

    @Override
    public String toString() {
        return "LinuxTpmDevice[" + name + (closing.get() ? ", closed" : "") + "]";
    }
}
