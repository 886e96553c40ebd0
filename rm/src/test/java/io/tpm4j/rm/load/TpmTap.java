package io.tpm4j.rm.load;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A socket between the server and swtpm's data socket that passes the server's commands on one at a time and lets
 * the test send its own in between ({@link #transport()}). swtpm serves one connection at a time, and the server
 * holds it for as long as it runs: through the tap the test reads the raw TPM's handles while the server is still
 * up (what the server itself has left), without any help from the server.
 */
final class TpmTap implements AutoCloseable {

    private static final int HEADER = 10;
    private static final int MAX_FRAME = 64 * 1024;

    private final ServerSocketChannel listener;
    private final SocketChannel tpm;
    private final ReentrantLock lock = new ReentrantLock();
    private final Thread pump;
    private volatile SocketChannel client;
    private volatile boolean closed;

    private TpmTap(ServerSocketChannel listener, SocketChannel tpm) {
        this.listener = listener;
        this.tpm = tpm;
        this.pump = Thread.ofPlatform().name("tpm-tap").daemon().start(this::serve);
    }

    /** Listens on {@code path} and connects to swtpm's data socket {@code swtpm}. */
    static TpmTap open(Path path, Path swtpm) throws IOException {
        Files.deleteIfExists(path);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(path));
        try {
            return new TpmTap(listener, SocketChannel.open(UnixDomainSocketAddress.of(swtpm)));
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }

    /** The test's own way to the TPM, between the server's commands. */
    TpmTransport transport() {
        return command -> {
            try {
                return exchange(command);
            } catch (IOException e) {
                throw new TpmTransportException("tpm tap", "the TPM connection failed: " + e.getMessage());
            }
        };
    }

    /** Serves the server's connections one after another (it makes one). */
    private void serve() {
        while (!closed) {
            try (SocketChannel c = listener.accept()) {
                client = c;
                while (true) {
                    byte[] command = readFrame(c);
                    if (command == null) {
                        break;
                    }
                    writeAll(c, exchange(command));
                }
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("tpm tap: " + e);
                }
            }
        }
    }

    private byte[] exchange(byte[] command) throws IOException {
        lock.lock();
        try {
            writeAll(tpm, command);
            byte[] response = readFrame(tpm);
            if (response == null) {
                throw new IOException("swtpm closed its data socket");
            }
            return response;
        } finally {
            lock.unlock();
        }
    }

    /** One TPM command or response, or null at the end of the stream before one starts. */
    private static byte[] readFrame(SocketChannel channel) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(HEADER);
        if (!fill(channel, head, true)) {
            return null;
        }
        int size = head.getInt(2);
        if (size < HEADER || size > MAX_FRAME) {
            throw new IOException("a frame declares " + Integer.toUnsignedString(size) + " bytes");
        }
        ByteBuffer frame = ByteBuffer.allocate(size).put(head.flip());
        fill(channel, frame, false);
        return frame.array();
    }

    private static boolean fill(SocketChannel channel, ByteBuffer buffer, boolean endAllowed) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                if (endAllowed && buffer.position() == 0) {
                    return false;
                }
                throw new IOException("the stream ended in the middle of a frame");
            }
        }
        return true;
    }

    private static void writeAll(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Stops listening and drops the TPM connection, so that swtpm accepts the next one. */
    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        SocketChannel c = client;
        if (c != null) {
            c.close();
        }
        lock.lock();
        try {
            tpm.close();
        } finally {
            lock.unlock();
        }
        try {
            pump.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
