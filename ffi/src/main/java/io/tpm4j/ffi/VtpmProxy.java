package io.tpm4j.ffi;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.TpmHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Makes any {@link TpmTransport} appear as a kernel TPM: the {@code VTPM_PROXY_IOC_NEW_DEV} ioctl on
 * /dev/vtpmx creates a chip ({@code /dev/tpmN} and {@code /dev/tpmrmN}) whose commands arrive on the
 * returned descriptor; a serving thread answers them through the backend. Closing the proxy removes the
 * chip (the kernel's removal path). Needs the tpm_vtpm_proxy module and CAP_SYS_ADMIN.
 */
public final class VtpmProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VtpmProxy.class);

    /** VTPM_PROXY_FLAG_TPM2 in include/uapi/linux/vtpm_proxy.h. */
    public static final int FLAG_TPM2 = 1;
    /** struct vtpm_proxy_new_dev: five __u32, flags in, the rest out. */
    static final StructLayout NEW_DEV = MemoryLayout.structLayout(
            JAVA_INT.withName("flags"), JAVA_INT.withName("tpm_num"), JAVA_INT.withName("fd"),
            JAVA_INT.withName("major"), JAVA_INT.withName("minor"));
    /** VTPM_PROXY_IOC_NEW_DEV = _IOWR(0xa1, 0x00, struct vtpm_proxy_new_dev). */
    public static final long IOC_NEW_DEV = iowr(0xa1, 0x00, NEW_DEV.byteSize());
    /** TPM2_CC_SET_LOCALITY, the vendor command the proxy driver sends to change locality (tpm_vtpm_proxy.c). */
    static final int CC_SET_LOCALITY = 0x20001000;

    private static final Duration STOP_TICK = Duration.ofMillis(100);
    /** A backend fault is logged at WARN at most this often (each at DEBUG): a broken backend must not flood the log. */
    private static final Duration FAULT_WARNING_INTERVAL = Duration.ofSeconds(10);
    private static final ValueLayout.OfInt BIG_ENDIAN_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final int fd;
    private final int tpmNumber;
    private final int major;
    private final int minor;
    private final TpmTransport backend;
    private final Thread server;
    /**
     * Held for each call on {@link #fd}, never while the backend works, so close() need not wait for the backend.
     * Fair: the serving thread takes it again right after each poll tick, and an unfair lock would let it barge
     * ahead of a waiting close() tick after tick while the chip is idle.
     */
    private final ReentrantLock descriptor = new ReentrantLock(true);
    /** Guarded by {@link #descriptor}: the descriptor is closed exactly once, by close() or by the serving thread. */
    private boolean closed;
    private volatile int locality;
    // Confined to the serving thread.
    private long nextFaultWarning = System.nanoTime();
    private long faultsNotWarned;

    private VtpmProxy(int fd, int tpmNumber, int major, int minor, TpmTransport backend) {
        this.fd = fd;
        this.tpmNumber = tpmNumber;
        this.major = major;
        this.minor = minor;
        this.backend = backend;
        this.server = Thread.ofPlatform().daemon().name("tpm4j-vtpm-" + THREADS.incrementAndGet()).unstarted(this::serve);
    }

    /** Linux's _IOC(_IOC_READ|_IOC_WRITE, type, nr, size): dir in bits 30-31, size 16-29, type 8-15, nr 0-7. */
    static long iowr(int type, int nr, long size) {
        return (3L << 30) | (size << 16) | ((long) type << 8) | nr;
    }

    /** Creates a vTPM chip through /dev/vtpmx that serves {@code backend}. */
    public static VtpmProxy create(TpmTransport backend) {
        return create(Path.of("/dev/vtpmx"), backend);
    }

    /** Creates a vTPM chip through {@code vtpmx} (the vTPM proxy control device) that serves {@code backend}. */
    public static VtpmProxy create(Path vtpmx, TpmTransport backend) {
        NativeAccess.require();
        String name = vtpmx.toString();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(call);
            int control = LibC.open(state, call.allocateFrom(name), LibC.O_RDWR | LibC.O_CLOEXEC, 0);
            if (control < 0) {
                throw NativeFailures.of(name, "open", LibC.errno(state));
            }
            try {
                MemorySegment request = call.allocate(NEW_DEV);
                request.set(JAVA_INT, NEW_DEV.byteOffset(MemoryLayout.PathElement.groupElement("flags")), FLAG_TPM2);
                if (LibC.ioctl(state, control, IOC_NEW_DEV, request) != 0) {
                    throw NativeFailures.of(name, "ioctl", LibC.errno(state));
                }
                VtpmProxy proxy = new VtpmProxy(field(request, "fd"), field(request, "tpm_num"),
                        field(request, "major"), field(request, "minor"), backend);
                proxy.server.start();
                log.debug("created vTPM /dev/tpm{} ({}:{})", proxy.tpmNumber, proxy.major, proxy.minor);
                return proxy;
            } finally {
                LibC.close(state, control);
            }
        }
    }

    /** Serves {@code backend} on an already-created proxy descriptor (taken over; closed with the proxy). */
    static VtpmProxy serve(int fd, TpmTransport backend) {
        NativeAccess.require();
        VtpmProxy proxy = new VtpmProxy(fd, -1, 0, 0, backend);
        proxy.server.start();
        return proxy;
    }

    private static int field(MemorySegment struct, String name) {
        return struct.get(JAVA_INT, NEW_DEV.byteOffset(MemoryLayout.PathElement.groupElement(name)));
    }

    /** N in /dev/tpmN. */
    public int tpmNumber() {
        return tpmNumber;
    }

    public Path device() {
        return Path.of("/dev/tpm" + tpmNumber);
    }

    public Path resourceManager() {
        return Path.of("/dev/tpmrm" + tpmNumber);
    }

    public int major() {
        return major;
    }

    public int minor() {
        return minor;
    }

    /** The locality the kernel last selected. */
    public int locality() {
        return locality;
    }

    /**
     * Stops serving and closes the descriptor, which makes the kernel remove the chip — at once, even when the
     * backend is stuck on a command: the kernel then cancels that command (its caller gets ECANCELED), and the
     * backend's late answer is dropped.
     */
    @Override
    public void close() {
        if (!closeDescriptor()) {
            return;
        }
        try {
            // The server notices within a poll tick, unless the backend holds it.
            server.join(STOP_TICK.multipliedBy(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (server.isAlive()) {
            log.info("vTPM {}: closed while the backend is busy with a command; the kernel cancels it", tpmNumber);
        }
    }

    /**
     * Closes the descriptor unless it is closed already; the check and the close are one step under the lock, so a
     * second close (from another thread, or the serving thread giving up) can never close a reused descriptor number.
     *
     * @return whether this call closed it
     */
    private boolean closeDescriptor() {
        descriptor.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            try (Arena call = Arena.ofConfined()) {
                LibC.close(LibC.callState(call), fd);
            }
            return true;
        } finally {
            descriptor.unlock();
        }
    }

    /**
     * Whether the serving thread still answers the kernel. It stops only when the proxy is closed, the kernel side
     * goes away or the descriptor fails; it then closes the descriptor, so that the kernel removes the chip instead
     * of waiting for an answer that will never come.
     */
    boolean serving() {
        return server.isAlive();
    }

    /** Reads commands (the driver writes each whole), answers them, until closed or the descriptor fails. */
    private void serve() {
        try {
            serveUntilStopped();
        } finally {
            if (closeDescriptor()) {
                log.warn("vTPM {}: stopped serving; the descriptor is closed, so the kernel removes the chip", tpmNumber);
            }
        }
    }

    private void serveUntilStopped() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(arena);
            MemorySegment pollFd = arena.allocate(LibC.POLLFD);
            MemorySegment buffer = arena.allocate(LinuxTpmDevice.MAX_MESSAGE);
            pollFd.set(JAVA_INT, 0, fd);
            pollFd.set(ValueLayout.JAVA_SHORT, LibC.POLLFD_EVENTS, LibC.POLLIN);
            int filled = 0;
            while (true) {
                long n;
                descriptor.lock();
                try {
                    if (closed) {
                        return;
                    }
                    int ready = LibC.poll(state, pollFd, 1, (int) STOP_TICK.toMillis());
                    if (ready < 0 && LibC.errno(state) != Errno.EINTR.number()) {
                        log.warn("vTPM {}: poll failed with {}", tpmNumber, Errno.nameOf(LibC.errno(state)));
                        return;
                    }
                    if (ready <= 0) {
                        continue;
                    }
                    n = LibC.read(state, fd, buffer.asSlice(filled), buffer.byteSize() - filled);
                } finally {
                    descriptor.unlock();
                }
                if (n == 0) {
                    log.debug("vTPM {}: end of stream", tpmNumber);
                    return;
                }
                if (n < 0) {
                    int errno = LibC.errno(state);
                    if (errno == Errno.EINTR.number() || errno == Errno.EAGAIN.number()) {
                        continue;
                    }
                    log.warn("vTPM {}: read failed with {}", tpmNumber, Errno.nameOf(errno));
                    return;
                }
                filled += (int) n;
                if (filled < TpmHeader.SIZE) {
                    continue;
                }
                int declared = buffer.get(BIG_ENDIAN_INT, 2);
                byte[] response;
                if (declared < TpmHeader.SIZE || declared > buffer.byteSize()) {
                    log.warn("vTPM {}: command declares {} bytes; refused", tpmNumber, Integer.toUnsignedString(declared));
                    response = errorResponse(TpmRc.COMMAND_SIZE.value());
                } else if (filled < declared) {
                    continue;
                } else {
                    response = answer(buffer.asSlice(0, declared).toArray(ValueLayout.JAVA_BYTE));
                }
                filled = 0;
                MemorySegment.copy(response, 0, buffer, ValueLayout.JAVA_BYTE, 0, response.length);
                if (!writeAll(state, buffer, response.length)) {
                    return;
                }
            }
        }
    }

    private byte[] answer(byte[] command) {
        int code;
        try {
            code = TpmHeader.commandCode(command);
        } catch (IllegalArgumentException e) {
            log.warn("vTPM {}: malformed command from the kernel: {}", tpmNumber, e.getMessage());
            return errorResponse(TpmRc.COMMAND_SIZE.value());
        }
        if (code == CC_SET_LOCALITY && command.length == TpmHeader.SIZE + 1) {
            locality = command[TpmHeader.SIZE] & 0xFF;
            return errorResponse(0);
        }
        byte[] response;
        try {
            response = backend.transmit(command);
        } catch (RuntimeException e) {
            // Whatever the backend throws, the kernel gets an answer: a serving thread that died would hang the chip.
            return backendFault(code, "backend failed: " + e);
        }
        String malformed = malformed(response);
        return malformed == null ? response : backendFault(code, malformed);
    }

    /** Why the kernel cannot be given {@code response}, or null when it is a well-formed TPM response it can take. */
    static String malformed(byte[] response) {
        if (response == null) {
            return "backend returned no response";
        }
        if (response.length > LinuxTpmDevice.MAX_MESSAGE) {
            return "backend response of " + response.length + " bytes is over the kernel's " + LinuxTpmDevice.MAX_MESSAGE;
        }
        try {
            TpmHeader header = TpmHeader.ofResponse(response);
            if (header.code() != 0 && response.length != TpmHeader.SIZE) {
                return "backend error response 0x" + Integer.toHexString(header.code()) + " carries "
                        + (response.length - TpmHeader.SIZE) + " bytes after the header";
            }
            return null;
        } catch (TpmProtocolException e) {
            return "malformed backend response: " + e.getMessage();
        }
    }

    /** Answers TPM_RC_FAILURE for a command the backend could not answer properly; logs it, WARN at most so often. */
    private byte[] backendFault(int code, String what) {
        long now = System.nanoTime();
        if (now - nextFaultWarning >= 0) {
            log.warn("vTPM {}: {} on {}; answered TPM_RC_FAILURE{}", tpmNumber, what, TpmCc.describe(code),
                    faultsNotWarned == 0 ? "" : " (" + faultsNotWarned + " such faults since the last warning)");
            nextFaultWarning = now + FAULT_WARNING_INTERVAL.toNanos();
            faultsNotWarned = 0;
        } else {
            faultsNotWarned++;
            log.debug("vTPM {}: {} on {}; answered TPM_RC_FAILURE", tpmNumber, what, TpmCc.describe(code));
        }
        return errorResponse(TpmRc.FAILURE.value());
    }

    private static byte[] errorResponse(int rc) {
        return TpmHeader.headerOnlyResponse(rc);
    }

    private boolean writeAll(MemorySegment state, MemorySegment buffer, int length) {
        descriptor.lock();
        try {
            if (closed) {
                log.debug("vTPM {}: closed while the backend answered; the answer is dropped", tpmNumber);
                return false;
            }
            return writeAllLocked(state, buffer, length);
        } finally {
            descriptor.unlock();
        }
    }

    private boolean writeAllLocked(MemorySegment state, MemorySegment buffer, int length) {
        int written = 0;
        while (written < length) {
            long n = LibC.write(state, fd, buffer.asSlice(written), length - written);
            if (n < 0) {
                int errno = LibC.errno(state);
                if (errno == Errno.EINTR.number()) {
                    continue;
                }
                // The proxy descriptor is blocking: EAGAIN or anything else means it cannot take the response.
                log.warn("vTPM {}: write failed with {}", tpmNumber, Errno.nameOf(errno));
                return false;
            }
            written += (int) n;
        }
        return true;
    }
}
