package io.tpm4j.api.transport;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmHeader;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Raw TPM commands over one persistent stream socket: the data channel of {@code swtpm socket}
 * (Unix or TCP), or tpm4j's RM server ({@code ./tpm4j serve --raw unix:PATH}), which it uses exactly like a
 * device: a server whose TPM has gone makes every command fail with {@link TpmDeviceRemovedException}.
 * Every command has a deadline; after a timeout the connection is closed, since a late response would
 * otherwise be taken for the next command's.
 */
public final class SocketTransport implements TpmTransport {

    /** Responses larger than this are refused before anything is allocated for them. */
    public static final int MAX_RESPONSE = 64 * 1024;

    private final String name;
    private final CommandTimeouts timeouts;
    private final ReentrantLock lock = new ReentrantLock();
    private final SocketChannel channel;
    private final Selector selector;
    private volatile boolean closed;
    private String unusable;
    /** The peer went away or said its TPM did: every later command fails as on a removed device. */
    private boolean gone;

    private SocketTransport(String name, SocketChannel channel, CommandTimeouts timeouts) throws IOException {
        this.name = name;
        this.channel = channel;
        this.timeouts = timeouts;
        channel.configureBlocking(false);
        this.selector = Selector.open();
    }

    /** Connects to a Unix-domain stream socket, e.g. {@code swtpm socket --server type=unixio,path=P}. */
    public static SocketTransport connectUnix(Path path, CommandTimeouts timeouts) {
        return connect("unix:" + path, UnixDomainSocketAddress.of(path), timeouts);
    }

    /** Connects to a TCP port, e.g. {@code swtpm socket --server type=tcp,port=N}. */
    public static SocketTransport connectTcp(String host, int port, CommandTimeouts timeouts) {
        return connect("tcp:" + host + ":" + port, new InetSocketAddress(host, port), timeouts);
    }

    private static SocketTransport connect(String name, SocketAddress address, CommandTimeouts timeouts) {
        SocketChannel channel = null;
        try {
            channel = address instanceof UnixDomainSocketAddress
                    ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
            channel.connect(address);
            return new SocketTransport(name, channel, timeouts);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new TpmTransportException(name, "connect", null, "cannot connect: " + e.getMessage()
                    + " (is the TPM simulator running?)", e);
        }
    }

    @Override
    public byte[] transmit(byte[] command) {
        int code = TpmHeader.commandCode(command);
        Duration timeout = timeouts.forCommand(code);
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(name + " is closed");
            }
            if (unusable != null) {
                if (gone) {
                    throw new TpmDeviceRemovedException(name, unusable, null);
                }
                throw new TpmTransportException(name, "unusable: " + unusable + "; connect again");
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                ByteBuffer request = ByteBuffer.wrap(command);
                while (request.hasRemaining()) {
                    if (channel.write(request) == 0) {
                        await(SelectionKey.OP_WRITE, deadline, code, timeout);
                    }
                }
                ByteBuffer head = ByteBuffer.allocate(TpmHeader.SIZE);
                fill(head, deadline, code, timeout);
                int size = head.getInt(2);
                if (size < TpmHeader.SIZE || size > MAX_RESPONSE) {
                    unusable = "framing lost after a response with an impossible size field";
                    throw new TpmProtocolException(name + ": response to " + TpmCc.describe(code)
                            + " declares " + Integer.toUnsignedString(size) + " bytes", 2);
                }
                ByteBuffer response = ByteBuffer.allocate(size).put(head.flip());
                fill(response, deadline, code, timeout);
                if (size == TpmHeader.SIZE && response.getInt(6) == ResponseCode.RM_TPM_GONE) {
                    unusable = "the resource manager's TPM is gone";
                    gone = true;
                    closeQuietly(channel);
                    throw new TpmDeviceRemovedException(name, "the resource manager answered " + TpmCc.describe(code)
                            + " with " + new ResponseCode(ResponseCode.RM_TPM_GONE) + ": the TPM behind it is gone", null);
                }
                return response.array();
            } catch (IOException e) {
                unusable = "the connection failed";
                gone = true;
                throw new TpmDeviceRemovedException(name, "the connection failed: " + e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    private void fill(ByteBuffer buffer, long deadline, int code, Duration timeout) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer);
            if (n < 0) {
                unusable = "the peer closed the connection";
                gone = true;
                throw new TpmDeviceRemovedException(name, "the TPM closed the connection while "
                        + TpmCc.describe(code) + " was outstanding", null);
            }
            if (n == 0) {
                await(SelectionKey.OP_READ, deadline, code, timeout);
            }
        }
    }

    private void await(int op, long deadline, int code, Duration timeout) throws IOException {
        long left = deadline - System.nanoTime();
        SelectionKey key = channel.register(selector, op);
        int ready = left > 0 ? selector.select(Math.max(1, (left + 999_999) / 1_000_000)) : 0;
        selector.selectedKeys().clear();
        key.interestOps(0);
        if (closed) {
            throw new IllegalStateException(name + " was closed while waiting for the TPM");
        }
        if (ready == 0 && System.nanoTime() - deadline >= 0) {
            unusable = TpmCc.describe(code) + " timed out";
            closeQuietly(channel);
            throw new TpmTimeoutException(name, code, timeout, "no response to " + TpmCc.describe(code) + " within "
                    + timeout.toMillis() + " ms; the connection was closed so a late response cannot be "
                    + "mistaken for another command's");
        }
    }

    /** Idempotent; a command waiting for its response on another thread is woken and fails at once. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        lock.lock();
        try {
            closeQuietly(selector);
            closeQuietly(channel);
        } finally {
            lock.unlock();
        }
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

    @Override
    public String toString() {
        return "SocketTransport[" + name + "]";
    }
}
