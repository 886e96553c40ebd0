package io.tpm4j.api.transport;

import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * One connected stream socket (TCP or Unix) that the socket transports write commands to and read responses from,
 * each within a deadline, never blocking past it. Not thread-safe: its transport serialises the commands.
 */
final class StreamSocket {

    /** Why a write or read did not complete: the peer went away, or the deadline passed. */
    static final class Failure extends Exception {
        private final boolean peerGone;
        private final TpmException exception;

        private Failure(String message, boolean peerGone, TpmException exception, Throwable cause) {
            super(message, cause, false, false);
            this.peerGone = peerGone;
            this.exception = exception;
        }

        /** Whether the peer closed the connection or it broke: the TPM behind it is as good as removed. */
        boolean peerGone() {
            return peerGone;
        }

        /** The exception to report when the peer is still there (a timeout). */
        TpmException exception() {
            return exception;
        }
    }

    private final String name;
    private final SocketChannel channel;
    private final Selector selector;
    /** Set by {@link #closing()} from another thread: a waiting write or read ends at once. */
    private volatile boolean closing;
    // Guarded by the transport's command lock.
    /** Why the connection cannot carry another command, or null. */
    private String unusable;
    /** The peer went away or said its TPM did: every later command fails as on a removed device. */
    private boolean gone;

    private StreamSocket(String name, SocketChannel channel) throws IOException {
        this.name = name;
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
    }

    /** Connects (blocking, as connecting to a local or loopback peer is immediate or refused). */
    static StreamSocket connect(String name, SocketAddress address) {
        SocketChannel channel = null;
        try {
            channel = address instanceof UnixDomainSocketAddress
                    ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
            channel.connect(address);
            return new StreamSocket(name, channel);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new TpmTransportException(name, "connect", null, "cannot connect: " + e.getMessage()
                    + " (is the TPM simulator running?)", e);
        }
    }

    String name() {
        return name;
    }

    /** Fails a command before it is sent: the transport is closed, or the connection was given up. */
    void checkUsable(boolean closed) {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        if (unusable != null) {
            if (gone) {
                throw new TpmDeviceRemovedException(name, unusable, null);
            }
            throw new TpmTransportException(name, "unusable: " + unusable + "; connect again");
        }
    }

    boolean usable() {
        return unusable == null;
    }

    /** Gives the connection up (framing lost, timeout): later commands fail, naming {@code why}. */
    void giveUp(String why) {
        unusable = why;
        close();
    }

    /** The exception for a failed write or read; the connection is given up either way. */
    RuntimeException failed(Failure failure) {
        giveUp(failure.getMessage());
        if (failure.peerGone()) {
            gone = true;
            return new TpmDeviceRemovedException(name, failure.getMessage(), failure.getCause());
        }
        return failure.exception();
    }

    /**
     * Returns {@code response}, unless it is a resource manager's header-only RM_TPM_GONE: the TPM behind the server
     * is gone, and so is this connection's use.
     */
    byte[] unlessServerTpmGone(byte[] response, int code) {
        if (response.length == TpmHeader.SIZE && BigEndian.u32(response, 6) == ResponseCode.RM_TPM_GONE) {
            giveUp("the resource manager's TPM is gone");
            gone = true;
            throw new TpmDeviceRemovedException(name, "the server answered " + TpmCc.describe(code) + " with "
                    + new ResponseCode(ResponseCode.RM_TPM_GONE) + ": the TPM behind it is gone", null);
        }
        return response;
    }

    /** Writes all of {@code buffer} by {@code deadline} (System.nanoTime). */
    void write(ByteBuffer buffer, long deadline, int code, Duration timeout) throws Failure {
        try {
            while (buffer.hasRemaining()) {
                if (channel.write(buffer) == 0) {
                    await(SelectionKey.OP_WRITE, deadline, code, timeout);
                }
            }
        } catch (IOException e) {
            throw new Failure("the connection failed: " + e.getMessage(), true, null, e);
        }
    }

    /** Reads until {@code buffer} is full, by {@code deadline}. */
    void fill(ByteBuffer buffer, long deadline, int code, Duration timeout) throws Failure {
        try {
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer);
                if (n < 0) {
                    throw new Failure("the TPM closed the connection while " + TpmCc.describe(code)
                            + " was outstanding", true, null, null);
                }
                if (n == 0) {
                    await(SelectionKey.OP_READ, deadline, code, timeout);
                }
            }
        } catch (IOException e) {
            throw new Failure("the connection failed: " + e.getMessage(), true, null, e);
        }
    }

    private void await(int op, long deadline, int code, Duration timeout) throws IOException, Failure {
        long left = deadline - System.nanoTime();
        SelectionKey key = channel.register(selector, op);
        int ready = left > 0 ? selector.select(Math.max(1, (left + 999_999) / 1_000_000)) : 0;
        selector.selectedKeys().clear();
        key.interestOps(0);
        if (closing || !channel.isOpen()) {
            throw new IllegalStateException(name + " was closed while waiting for the TPM");
        }
        if (ready == 0 && System.nanoTime() - deadline >= 0) {
            String message = "no response to " + TpmCc.describe(code) + " within " + timeout.toMillis()
                    + " ms; the connection was closed so a late response cannot be mistaken for another command's";
            throw new Failure(TpmCc.describe(code) + " timed out", false,
                    new TpmTimeoutException(name, code, timeout, message), null);
        }
    }

    /**
     * Ends, with IllegalStateException, a write or read waiting on another thread, and every later wait: the
     * transport is being closed (the channel itself is closed once that thread lets go of it).
     */
    void closing() {
        closing = true;
        selector.wakeup();
    }

    /** Idempotent. */
    void close() {
        closeQuietly(selector);
        closeQuietly(channel);
    }

    private static void closeQuietly(AutoCloseable resource) {
        if (resource != null) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // Closing is best effort; the descriptor is released either way.
            }
        }
    }
}
