package io.tpm4j.ffi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Waking a connection that has just been closed touches no descriptor: whatever socket reuses its descriptor
 * numbers next gets nothing from it (a wake used to write to an eventfd, whose number a new socket could have
 * taken by then).
 */
class WakeAfterCloseTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void aWakeAfterCloseReachesNoSocketThatReusedItsDescriptors() throws Exception {
        Path path = dir.resolve("wake.sock");
        try (SocketListener listener = SocketListener.unix(path, SocketListener.Access.defaults())) {
            for (int round = 0; round < 50; round++) {
                SocketConnection closed;
                try (SocketChannel first = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                    closed = listener.accept(WAIT).orElseThrow();
                    closed.close();
                }
                try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
                     SocketConnection reused = listener.accept(WAIT).orElseThrow()) {
                    for (int i = 0; i < 10; i++) {
                        closed.wake();
                    }
                    byte[] into = new byte[16];
                    assertEquals(0, reused.read(into, 0, into.length, Duration.ofMillis(20)),
                            "round " + round + ": the new connection read bytes nobody sent");
                    client.configureBlocking(false);
                    assertEquals(0, client.read(ByteBuffer.allocate(16)),
                            "round " + round + ": the new connection's client got bytes the server never wrote");
                }
            }
        }
    }
}
