package io.tpm4j.rm.hostile;

import io.tpm4j.api.wire.TpmWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hand-made frames, as a client that is not tpm4j sends them, and the server's answers read with deadlines. */
public final class RawFrames {

    private static final Duration READ_LIMIT = Duration.ofSeconds(10);

    private RawFrames() {
    }

    /** TPM2_GetRandom(count). */
    public static byte[] getRandom(int count) {
        return new TpmWriter().u16(0x8001).u32(12).u32(0x17B).u16(count).toByteArray();
    }

    /** One command and its response over a raw connection. */
    public static byte[] exchange(SocketChannel c, byte[] command) throws IOException {
        c.write(ByteBuffer.wrap(command));
        return readResponse(c);
    }

    /** A whole TPM response. */
    public static byte[] readResponse(SocketChannel c) throws IOException {
        byte[] header = readExactly(c, 10);
        int size = ByteBuffer.wrap(header).getInt(2);
        return ByteBuffer.allocate(size).put(header).put(readExactly(c, size - 10)).array();
    }

    /** A TPM command through an mssim command socket (locality 0): the response, without its framing. */
    public static byte[] mssim(SocketChannel c, byte[] command) throws IOException {
        return mssim(c, 0, command);
    }

    /** A TPM command at {@code locality} through an mssim command socket: the response, its framing checked. */
    public static byte[] mssim(SocketChannel c, int locality, byte[] command) throws IOException {
        c.write(ByteBuffer.wrap(new TpmWriter().u32(8).u8(locality).u32(command.length).bytes(command).toByteArray()));
        int size = ByteBuffer.wrap(readExactly(c, 4)).getInt();
        byte[] response = readExactly(c, size);
        assertEquals(0, ByteBuffer.wrap(readExactly(c, 4)).getInt(), "the mssim trailer");
        return response;
    }

    public static int responseCode(byte[] response) {
        return ByteBuffer.wrap(response).getInt(6);
    }

    /** Exactly {@code n} bytes within the read limit, from a blocking channel. */
    public static byte[] readExactly(SocketChannel c, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        long deadline = System.nanoTime() + READ_LIMIT.toNanos();
        boolean blocking = c.isBlocking();
        c.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            c.register(selector, SelectionKey.OP_READ);
            while (buffer.hasRemaining()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + buffer.position() + " of " + n + " bytes within " + READ_LIMIT);
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
                if (c.read(buffer) < 0) {
                    throw new IOException("closed after " + buffer.position() + " of " + n + " bytes");
                }
            }
        } finally {
            c.configureBlocking(blocking);
        }
        return buffer.array();
    }

    /** What the server sends until it closes the connection (a health line), within the read limit. */
    public static byte[] readUntilClosed(SocketChannel c) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        long deadline = System.nanoTime() + READ_LIMIT.toNanos();
        c.configureBlocking(false);
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        try (Selector selector = Selector.open()) {
            c.register(selector, SelectionKey.OP_READ);
            while (System.nanoTime() < deadline) {
                selector.select(100);
                selector.selectedKeys().clear();
                int n = c.read(buffer.clear());
                if (n < 0) {
                    return all.toByteArray();
                }
                all.write(buffer.array(), 0, n);
            }
        }
        throw new AssertionError("the server did not close the connection within " + READ_LIMIT);
    }

    /** Whether the server closed the connection (end of stream or reset) within the read limit, sending nothing. */
    public static boolean closedByServer(SocketChannel c) throws IOException {
        c.configureBlocking(false);
        ByteBuffer buffer = ByteBuffer.allocate(64);
        long deadline = System.nanoTime() + READ_LIMIT.toNanos();
        try (Selector selector = Selector.open()) {
            c.register(selector, SelectionKey.OP_READ);
            while (System.nanoTime() < deadline) {
                selector.select(100);
                selector.selectedKeys().clear();
                try {
                    int n = c.read(buffer);
                    if (n < 0) {
                        return true;
                    }
                    assertEquals(0, n, "the server sent something instead of closing");
                } catch (IOException reset) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Fails unless the server closes the connection (end of stream or reset) within the read limit, sending nothing. */
    public static void assertClosedByServer(SocketChannel c) throws IOException {
        if (!closedByServer(c)) {
            throw new AssertionError("the server did not close the connection within " + READ_LIMIT);
        }
    }
}
