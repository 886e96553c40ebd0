package io.tpm4j.api.transport;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmHeader;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
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

    private final StreamSocket socket;
    private final CommandTimeouts timeouts;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;

    private SocketTransport(StreamSocket socket, CommandTimeouts timeouts) {
        this.socket = socket;
        this.timeouts = timeouts;
    }

    /** Connects to a Unix-domain stream socket, e.g. {@code swtpm socket --server type=unixio,path=P}. */
    public static SocketTransport connectUnix(Path path, CommandTimeouts timeouts) {
        return new SocketTransport(StreamSocket.connect("unix:" + path, UnixDomainSocketAddress.of(path)), timeouts);
    }

    /** Connects to a TCP port, e.g. {@code swtpm socket --server type=tcp,port=N}. */
    public static SocketTransport connectTcp(String host, int port, CommandTimeouts timeouts) {
        return new SocketTransport(StreamSocket.connect("tcp:" + host + ":" + port, new InetSocketAddress(host, port)),
                timeouts);
    }

    @Override
    public byte[] transmit(byte[] command) {
        int code = TpmHeader.commandCode(command);
        Duration timeout = timeouts.forCommand(code);
        String name = socket.name();
        lock.lock();
        try {
            socket.checkUsable(closed);
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                socket.write(ByteBuffer.wrap(command), deadline, code, timeout);
                ByteBuffer head = ByteBuffer.allocate(TpmHeader.SIZE);
                socket.fill(head, deadline, code, timeout);
                int size = head.getInt(2);
                if (size < TpmHeader.SIZE || size > MAX_RESPONSE) {
                    socket.giveUp("framing lost after a response with an impossible size field");
                    throw new TpmProtocolException(name + ": response to " + TpmCc.describe(code)
                            + " declares " + Integer.toUnsignedString(size) + " bytes", 2);
                }
                ByteBuffer response = ByteBuffer.allocate(size).put(head.flip());
                socket.fill(response, deadline, code, timeout);
                return socket.unlessServerTpmGone(response.array(), code);
            } catch (StreamSocket.Failure e) {
                throw socket.failed(e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Idempotent; a command waiting for its response on another thread is woken and fails at once. */
    @Override
    public void close() {
        closed = true;
        socket.closing();
        lock.lock();
        try {
            socket.close();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "SocketTransport[" + socket.name() + "]";
    }
}
