package io.tpm4j.ffi;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer written here stands in for the TPM on the other end of a socketpair and answers with broken
 * responses; the device must report each clearly and never hang or hand out wrong bytes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostilePeerTest {

    private static final Duration TIMEOUT = Duration.ofMillis(400);
    /** TPM2_GetRandom(16). */
    private static final byte[] GET_RANDOM = new TpmWriter().u16(0x8001).u32(12).u32(0x17B).u16(16).toByteArray();

    private LinuxTpmDevice device;
    private Peer peer;

    private void connect(int type) {
        int[] pair = Descriptors.socketPair(type);
        device = LinuxTpmDevice.wrap(pair[0], "test peer", LinuxTpmDevice.Options.defaults().withTimeout(TIMEOUT));
        peer = new Peer(pair[1]);
    }

    @AfterEach
    void close() {
        if (device != null) {
            device.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    /** Sends GetRandom while the peer answers with {@code script}; returns what transmit threw. */
    private RuntimeException exchange(Consumer<Peer> script) {
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
            peer.readCommand();
            script.accept(peer);
        });
        RuntimeException e = assertThrows(RuntimeException.class, () -> device.transmit(GET_RANDOM));
        answered.orTimeout(5, TimeUnit.SECONDS).join();
        return e;
    }

    private static byte[] response(int declaredSize, int actualLength) {
        TpmWriter w = new TpmWriter().u16(0x8001).u32(declaredSize).u32(0);
        while (w.size() < actualLength) {
            w.u8(0x5A);
        }
        return w.toByteArray();
    }

    @Test
    void truncatedResponseThenCloseIsAProtocolError() {
        connect(LibC.SOCK_STREAM);
        RuntimeException e = exchange(p -> {
            p.write(response(20, 14));
            p.close();
        });
        assertTrue(e instanceof TpmProtocolException, e.toString());
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("14 bytes"), e.getMessage());
    }

    @Test
    void truncatedResponseThenEndOfStreamIsAProtocolErrorAtOnce() {
        // The bytes and the end of stream usually arrive before the device looks, and an edge-triggered wait
        // reports them once: the device must find the end by reading on, not wait for its deadline.
        connect(LibC.SOCK_STREAM);
        RuntimeException e = exchange(p -> {
            p.write(response(20, 14));
            p.shutdownWrite();
        });
        assertTrue(e instanceof TpmProtocolException, e.toString());
        assertTrue(e.getMessage().contains("truncated after 14 bytes"), e.getMessage());
    }

    @Test
    void truncatedResponseThenSilenceHitsTheDeadline() {
        connect(LibC.SOCK_STREAM);
        RuntimeException e = exchange(p -> p.write(response(20, 14)));
        assertTrue(e instanceof TpmTimeoutException, e.toString());
    }

    @Test
    void oversizedResponseIsRefusedAndTheDeviceSaysItIsUnusable() {
        connect(LibC.SOCK_STREAM);
        RuntimeException e = exchange(p -> p.write(response(5000, 16)));
        assertTrue(e instanceof TpmProtocolException, e.toString());
        assertTrue(e.getMessage().contains("declares 5000"), e.getMessage());
        TpmTransportException next = assertThrows(TpmTransportException.class, () -> device.transmit(GET_RANDOM));
        assertTrue(next.getMessage().contains("unusable"), next.getMessage());
    }

    @Test
    void responseLongerThanItsHeaderIsAProtocolError() {
        connect(LibC.SOCK_STREAM);
        RuntimeException e = exchange(p -> p.write(response(10, 14)));
        assertTrue(e instanceof TpmProtocolException, e.toString());
        assertTrue(e.getMessage().contains("more bytes than the 10"), e.getMessage());
    }

    @Test
    void zeroLengthResponseIsAProtocolErrorAndTheDeviceStaysUsable() {
        connect(LibC.SOCK_SEQPACKET);
        RuntimeException e = exchange(p -> p.write(new byte[0]));
        assertTrue(e instanceof TpmProtocolException, e.toString());
        assertTrue(e.getMessage().contains("empty response"), e.getMessage());
        CompletableFuture.runAsync(() -> {
            peer.readCommand();
            peer.write(response(12, 12));
        });
        assertEquals(12, device.transmit(GET_RANDOM).length);
    }

    @Test
    void garbageIsAProtocolError() {
        connect(LibC.SOCK_STREAM);
        RuntimeException e = exchange(p -> p.write("not a TPM response at all".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e instanceof TpmProtocolException, e.toString());
        assertTrue(e.getMessage().contains("declares"), e.getMessage());
    }

    @Test
    void wellFramedResponseWithABadTagIsRefusedByTheApi() {
        connect(LibC.SOCK_STREAM);
        CompletableFuture.runAsync(() -> {
            peer.readCommand();
            peer.write(new TpmWriter().u16(0x1234).u32(10).u32(0).toByteArray());
        });
        TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> Tpm.on(device).getRandom(16));
        assertTrue(e.getMessage().contains("tag 0x1234"), e.getMessage());
    }

    @Test
    void parameterSizeBeyondTheResponseIsAProtocolErrorWithOffset() {
        connect(LibC.SOCK_STREAM);
        CompletableFuture.runAsync(() -> {
            peer.readCommand();
            // randomBytes.size says 40, but only 4 bytes follow.
            peer.write(new TpmWriter().u16(0x8001).u32(16).u32(0).u16(40).u32(0).toByteArray());
        });
        TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> Tpm.on(device).getRandom(16));
        assertTrue(e.getMessage().contains("randomBytes"), e.getMessage());
        assertEquals(10, e.offset());
    }

    @Test
    void peerClosingWithoutAnswerMeansRemoved() {
        connect(LibC.SOCK_STREAM);
        RuntimeException e = exchange(Peer::close);
        assertTrue(e instanceof TpmDeviceRemovedException, e.toString());
        assertThrows(TpmDeviceRemovedException.class, () -> device.transmit(GET_RANDOM));
    }

    @Test
    void responseArrivingInPiecesIsReassembled() {
        connect(LibC.SOCK_STREAM);
        byte[] whole = new TpmWriter().u16(0x8001).u32(28).u32(0).u16(16).bytes(new byte[16]).toByteArray();
        whole[27] = 42;
        CompletableFuture.runAsync(() -> {
            peer.readCommand();
            for (byte b : whole) {
                peer.write(new byte[] {b});
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertArrayEquals(whole, device.transmit(GET_RANDOM));
    }

    /** The TPM side of the socketpair, driven by the test with plain read/write calls. */
    static final class Peer {
        private final int fd;
        private boolean closed;

        Peer(int fd) {
            this.fd = fd;
        }

        void readCommand() {
            read();
        }

        /** One read of whatever the other side wrote (at least a TPM header). */
        byte[] read() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(4096);
                long n = LibC.read(LibC.callState(arena), fd, buffer, 4096);
                if (n < 10) {
                    throw new AssertionError("peer read " + n + " bytes");
                }
                return buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            }
        }

        void write(byte[] bytes) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(Math.max(1, bytes.length));
                MemorySegment.copy(bytes, 0, buffer, ValueLayout.JAVA_BYTE, 0, bytes.length);
                long n = LibC.write(LibC.callState(arena), fd, buffer, bytes.length);
                if (n != bytes.length) {
                    throw new AssertionError("peer wrote " + n + " of " + bytes.length + " bytes");
                }
            }
        }

        /** shutdown(SHUT_WR): the other side reads the end of the stream, the socket stays open. */
        void shutdownWrite() {
            try (Arena arena = Arena.ofConfined()) {
                if (LibC.shutdown(LibC.callState(arena), fd, LibC.SHUT_WR) != 0) {
                    throw new AssertionError("shutdown failed");
                }
            }
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                Descriptors.close(fd);
            }
        }
    }
}
