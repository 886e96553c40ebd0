package io.tpm4j.api.transport;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * The mssim transport's framing against a peer written here: what it sends, and good, misframed, oversized,
 * silent and vanishing answers. The transport against real servers (tpm4j's, swtpm's TCP channel) is tested in rm.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MssimTransportTest {

    private static final byte[] GET_RANDOM = new TpmWriter().u16(0x8001).u32(12).u32(0x17B).u16(2).toByteArray();
    private static final byte[] RESPONSE = new TpmWriter().u16(0x8001).u32(14).u32(0).u16(2).u16(0x4242).toByteArray();

    @TempDir
    Path dir;

    /** Accepts one connection; reads one request per answer and writes the answer (null: close); returns all it read. */
    private CompletableFuture<byte[]> peer(ServerSocketChannel server, byte[]... answers) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            try (SocketChannel client = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(4096);
                for (byte[] answer : answers) {
                    in.clear();
                    client.read(in);
                    received.write(in.array(), 0, in.position());
                    if (answer == null) {
                        return received.toByteArray();
                    }
                    client.write(ByteBuffer.wrap(answer));
                }
                in.clear();
                while (client.read(in) > 0) {
                    received.write(in.array(), 0, in.position());
                    in.clear();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return received.toByteArray();
        });
    }

    private ServerSocketChannel listen() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("mssim.sock")));
        return server;
    }

    private MssimTransport connect(Duration timeout) {
        return MssimTransport.connectUnix(dir.resolve("mssim.sock"), CommandTimeouts.fixed(timeout));
    }

    private static byte[] framed(byte[] response, int ack) {
        return new TpmWriter().u32(response.length).bytes(response).u32(ack).toByteArray();
    }

    @Test
    void aCommandGoesAsSendCommandAtLocalityZeroAndCloseSaysSessionEnd() throws Exception {
        try (ServerSocketChannel server = listen()) {
            CompletableFuture<byte[]> seen = peer(server, framed(RESPONSE, 0));
            try (MssimTransport t = connect(Duration.ofSeconds(5))) {
                assertArrayEquals(RESPONSE, t.transmit(GET_RANDOM));
            }
            byte[] expected = new TpmWriter().u32(MssimTransport.SEND_COMMAND).u8(0).u32(GET_RANDOM.length)
                    .bytes(GET_RANDOM).u32(MssimTransport.SESSION_END).toByteArray();
            assertArrayEquals(expected, seen.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aNonZeroAcknowledgementIsAProtocolErrorAndTheConnectionIsThenUnusable() throws Exception {
        try (ServerSocketChannel server = listen()) {
            peer(server, framed(RESPONSE, 7));
            try (MssimTransport t = connect(Duration.ofSeconds(5))) {
                TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> t.transmit(GET_RANDOM));
                assertTrue(e.getMessage().contains("acknowledgement 7"), e.getMessage());
                TpmTransportException next = assertThrows(TpmTransportException.class, () -> t.transmit(GET_RANDOM));
                assertTrue(next.getMessage().contains("unusable"), next.getMessage());
            }
        }
    }

    @Test
    void anOversizedFrameIsRefusedBeforeAnythingIsAllocated() throws Exception {
        try (ServerSocketChannel server = listen()) {
            peer(server, new TpmWriter().u32(0x7FFF_FFFF).toByteArray());
            try (MssimTransport t = connect(Duration.ofSeconds(5))) {
                TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> t.transmit(GET_RANDOM));
                assertTrue(e.getMessage().contains("2147483647 bytes"), e.getMessage());
            }
        }
    }

    @Test
    void aFrameWhoseResponseDisagreesWithItIsRefused() throws Exception {
        byte[] lying = RESPONSE.clone();
        lying[5] = 99; // the TPM header says 99 bytes, the frame carries 14
        try (ServerSocketChannel server = listen()) {
            peer(server, framed(lying, 0));
            try (MssimTransport t = connect(Duration.ofSeconds(5))) {
                TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> t.transmit(GET_RANDOM));
                assertTrue(e.getMessage().contains("declares 99"), e.getMessage());
            }
        }
    }

    @Test
    void aSilentPeerTimesOut() throws Exception {
        try (ServerSocketChannel server = listen()) {
            CompletableFuture<byte[]> peer = peer(server, new byte[0]);
            try (MssimTransport t = connect(Duration.ofMillis(300))) {
                TpmTimeoutException e = assertThrows(TpmTimeoutException.class, () -> t.transmit(GET_RANDOM));
                assertTrue(e.getMessage().contains("TPM2_GetRandom"), e.getMessage());
            }
            peer.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPeerThatClosesMeansRemoved() throws Exception {
        try (ServerSocketChannel server = listen()) {
            peer(server, (byte[]) null);
            try (MssimTransport t = connect(Duration.ofSeconds(5))) {
                assertThrows(TpmDeviceRemovedException.class, () -> t.transmit(GET_RANDOM));
                assertThrows(TpmDeviceRemovedException.class, () -> t.transmit(GET_RANDOM));
            }
        }
    }

    @Test
    void nothingListeningIsAClearError() {
        TpmTransportException e = assertThrows(TpmTransportException.class, () -> connect(Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("mssim:path="), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MssimTransport.connectTcp("127.0.0.1", 0, CommandTimeouts.kernelDefaults()));
    }
}
