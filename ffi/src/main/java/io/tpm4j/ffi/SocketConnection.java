package io.tpm4j.ffi;

import io.tpm4j.api.TpmTransportException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One accepted stream connection (Unix or TCP), non-blocking, read and written with deadlines: a read or write
 * that would block waits for readiness through the shared event loop ({@link WakeablePoll}), parked, so the
 * thread that serves the connection may be virtual. Meant for one thread; {@link #wake()} alone may be called
 * from another, to make a waiting read or write return at once.
 */
public final class SocketConnection implements AutoCloseable {

    /** Bytes moved per read or write call; frames larger than this take several calls. */
    private static final int CHUNK = 8192;

    private final int fd;
    private final WakeablePoll poll;
    private final String description;
    private final Optional<PeerCredentials> peer;
    private final boolean tcp;
    private final Optional<InetAddress> remote;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = LibC.callState(arena);
    private final MemorySegment buffer = arena.allocate(CHUNK);
    private final MemorySegment one = arena.allocate(ValueLayout.JAVA_INT);
    private final AtomicBoolean closed = new AtomicBoolean();

    /** {@code fd} must be non-blocking; {@code remote} is a TCP client's address. */
    SocketConnection(int fd, String description, Optional<PeerCredentials> peer, Optional<InetAddress> remote) {
        this.fd = fd;
        this.description = description;
        this.peer = peer;
        this.remote = remote;
        this.tcp = remote.isPresent();
        try {
            this.poll = new WakeablePoll(fd, description, arena);
        } catch (RuntimeException e) {
            Descriptors.close(fd);
            arena.close();
            throw e;
        }
        one.set(ValueLayout.JAVA_INT, 0, 1);
        if (tcp) {
            // Small request/response frames: do not let Nagle hold a response back.
            LibC.setsockopt(callState, fd, LibC.IPPROTO_TCP, LibC.TCP_NODELAY, one, 4);
        }
    }

    /** The peer process of a Unix-socket connection as the kernel saw it at connect time (SO_PEERCRED). */
    public Optional<PeerCredentials> peer() {
        return peer;
    }

    /** The address a TCP client connected from (empty for a Unix socket, whose peer is {@link #peer()}). */
    public Optional<InetAddress> remoteAddress() {
        return remote;
    }

    /**
     * The listener's address, with the peer: "unix:/run/tpm4j.sock pid 123 uid 1000 gid 1000",
     * "tcp:127.0.0.1:2321 from 127.0.0.1:40312".
     */
    @Override
    public String toString() {
        return description;
    }

    /**
     * Reads up to {@code length} bytes, waiting at most {@code timeout} for the first one.
     *
     * @return the number of bytes read; 0 when nothing arrived in time; -1 when the peer closed the
     *         connection (or reset it) or {@link #wake()} was called
     */
    public int read(byte[] into, int offset, int length, Duration timeout) {
        if (poll.woken()) {
            return -1;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long n = LibC.read(callState, fd, buffer, Math.min(length, CHUNK));
            if (n > 0) {
                if (tcp) {
                    // A client that writes a command in two pieces with Nagle on (tpm2-tss's mssim TCTI) waits for
                    // the first piece's ACK; Linux would delay it 40 ms, since the server has nothing to send yet.
                    LibC.setsockopt(callState, fd, LibC.IPPROTO_TCP, LibC.TCP_QUICKACK, one, 4);
                }
                MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, into, offset, (int) n);
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            int errno = LibC.errno(callState);
            if (errno == Errno.ECONNRESET.number()) {
                return -1;
            }
            if (errno != Errno.EAGAIN.number() && errno != Errno.EINTR.number()) {
                throw NativeFailures.ofSocket(description, "read", errno);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || poll.await(LibC.EPOLLIN, Duration.ofNanos(left)) != WakeablePoll.Outcome.READY) {
                return poll.woken() ? -1 : 0;
            }
        }
    }

    /**
     * Writes all of {@code bytes} within {@code timeout}. Never raises SIGPIPE.
     *
     * @throws TpmTransportException when the peer has gone, stops reading for longer than the timeout, or
     *                               {@link #wake()} was called while the write waited
     */
    public void write(byte[] bytes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int done = 0;
        while (done < bytes.length) {
            int chunk = Math.min(bytes.length - done, CHUNK);
            MemorySegment.copy(bytes, done, buffer, ValueLayout.JAVA_BYTE, 0, chunk);
            long n = LibC.send(callState, fd, buffer, chunk, LibC.MSG_NOSIGNAL);
            if (n >= 0) {
                done += (int) n;
                continue;
            }
            int errno = LibC.errno(callState);
            if (errno != Errno.EAGAIN.number() && errno != Errno.EINTR.number()) {
                throw NativeFailures.ofSocket(description, "send", errno);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || poll.await(LibC.EPOLLOUT, Duration.ofNanos(left)) != WakeablePoll.Outcome.READY) {
                throw new TpmTransportException(description, "write", null, poll.woken() ? "the connection was closed"
                        : "the peer read nothing for " + timeout.toMillis() + " ms", null);
            }
        }
    }

    /**
     * Makes a read or write waiting in another thread return; later calls return at once too. Touches no
     * descriptor, so it is safe while the connection is being closed.
     */
    public void wake() {
        poll.wake();
    }

    /** Closes the connection; by the thread that reads and writes it (or before any does). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        poll.close();
        LibC.shutdown(callState, fd, LibC.SHUT_RDWR);
        Descriptors.close(fd);
        arena.close();
    }
}
