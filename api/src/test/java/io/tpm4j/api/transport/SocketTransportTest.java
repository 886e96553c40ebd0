package io.tpm4j.api.transport;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The socket transport against a peer written here: good, oversized and vanishing answers. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SocketTransportTest {

    private static final byte[] GET_RANDOM = new TpmWriter().u16(0x8001).u32(12).u32(0x17B).u16(2).toByteArray();

    @TempDir
    Path dir;

    /** Accepts one connection; for each command read, writes the next answer (null: close instead). */
    private CompletableFuture<Void> peer(ServerSocketChannel server, byte[]... answers) {
        return CompletableFuture.runAsync(() -> {
            try (SocketChannel client = server.accept()) {
                for (byte[] answer : answers) {
                    client.read(ByteBuffer.allocate(4096));
                    if (answer == null) {
                        return;
                    }
                    client.write(ByteBuffer.wrap(answer));
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private ServerSocketChannel listen() throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("tpm.sock")));
        return server;
    }

    @Test
    void answersAreFramedByTheirHeader() throws Exception {
        byte[] answer = new TpmWriter().u16(0x8001).u32(14).u32(0).u16(2).u16(0x4242).toByteArray();
        try (ServerSocketChannel server = listen()) {
            CompletableFuture<Void> done = peer(server, answer);
            try (SocketTransport t = SocketTransport.connectUnix(dir.resolve("tpm.sock"), CommandTimeouts.kernelDefaults())) {
                assertArrayEquals(answer, t.transmit(GET_RANDOM));
            }
            done.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anImpossibleSizeIsAProtocolErrorAndTheConnectionIsThenUnusable() throws Exception {
        try (ServerSocketChannel server = listen()) {
            peer(server, new TpmWriter().u16(0x8001).u32(100_000).u32(0).toByteArray());
            try (SocketTransport t = SocketTransport.connectUnix(dir.resolve("tpm.sock"),
                    CommandTimeouts.fixed(Duration.ofSeconds(5)))) {
                TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> t.transmit(GET_RANDOM));
                assertTrue(e.getMessage().contains("declares 100000"), e.getMessage());
                TpmTransportException next = assertThrows(TpmTransportException.class, () -> t.transmit(GET_RANDOM));
                assertTrue(next.getMessage().contains("unusable"), next.getMessage());
            }
        }
    }

    @Test
    void aPeerThatClosesMeansRemoved() throws Exception {
        try (ServerSocketChannel server = listen()) {
            peer(server, (byte[]) null);
            try (SocketTransport t = SocketTransport.connectUnix(dir.resolve("tpm.sock"),
                    CommandTimeouts.fixed(Duration.ofSeconds(5)))) {
                assertThrows(TpmDeviceRemovedException.class, () -> t.transmit(GET_RANDOM));
            }
        }
    }

    @Test
    void nothingListeningIsAClearError() {
        TpmTransportException e = assertThrows(TpmTransportException.class,
                () -> SocketTransport.connectUnix(dir.resolve("none.sock"), CommandTimeouts.kernelDefaults()));
        assertTrue(e.getMessage().contains("is the TPM simulator running?"), e.getMessage());
    }
}
