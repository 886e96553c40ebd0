package io.tpm4j.ffi;

import io.tpm4j.api.TpmTransportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SocketListenerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void aUnixSocketHasItsModeAndOwnerFromTheStartAndNamesItsPeer() throws Exception {
        Path path = dir.resolve("tpm.sock");
        try (SocketListener listener = listen(path, SocketListener.Access.defaults());
             SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            try (SocketConnection connection = listener.accept(WAIT).orElseThrow()) {
                PeerCredentials peer = connection.peer().orElseThrow();
                assertEquals(ProcessHandle.current().pid(), peer.pid());
                assertEquals(Files.getAttribute(dir, "unix:uid"), peer.uid());
                assertTrue(connection.toString().contains("pid " + peer.pid()), connection.toString());
                client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
                byte[] got = new byte[4];
                assertEquals(4, connection.read(got, 0, 4, WAIT));
                assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), got);
                connection.write("pong".getBytes(StandardCharsets.US_ASCII), WAIT);
                ByteBuffer answer = ByteBuffer.allocate(4);
                while (answer.hasRemaining()) {
                    client.read(answer);
                }
                assertEquals("pong", new String(answer.array(), StandardCharsets.US_ASCII));
            }
        }
        assertFalse(Files.exists(path), "the socket file is removed when the listener closes");
    }

    @Test
    void modeAndGroupAreConfigurable() throws Exception {
        Path path = dir.resolve("private.sock");
        String group = Files.readAllLines(Path.of("/etc/group")).stream().map(line -> line.split(":")[0])
                .filter(name -> name.equals("daemon") || name.equals("nogroup")).findFirst().orElseThrow();
        boolean root = ((Integer) Files.getAttribute(dir, "unix:uid")) == 0;
        SocketListener.Access access = SocketListener.Access.defaults().withMode("0600");
        try (SocketListener listener = listen(path, root ? access.withGroup(group) : access)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            if (root) {
                assertEquals(group, Files.getAttribute(path, "posix:group").toString());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> SocketListener.Access.defaults().withMode("rwx"));
    }

    @Test
    void aStaleSocketIsReplacedButALiveOneOrAnyOtherFileIsNot() throws Exception {
        Path path = dir.resolve("again.sock");
        SocketListener first = listen(path, SocketListener.Access.defaults());
        TpmTransportException live = assertThrows(TpmTransportException.class,
                () -> SocketListener.unix(path, SocketListener.Access.defaults()));
        assertTrue(live.getMessage().contains("another server"), live.getMessage());
        // A listener that died without cleaning up leaves its socket file behind, with nobody accepting.
        first.release();
        Files.deleteIfExists(path);
        try (var stale = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(Files.exists(path));
        try (SocketListener second = listen(path, SocketListener.Access.defaults());
             SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            assertTrue(second.accept(WAIT).isPresent());
        }
        Path regular = Files.writeString(dir.resolve("notes.txt"), "keep me");
        TpmTransportException inTheWay = assertThrows(TpmTransportException.class,
                () -> SocketListener.unix(regular, SocketListener.Access.defaults()));
        assertTrue(inTheWay.getMessage().contains("not a socket"), inTheWay.getMessage());
        assertEquals("keep me", Files.readString(regular));
    }

    /**
     * In a directory others may write to (no sticky bit), another user can replace whatever the set-up creates
     * with a symbolic link to a file of their choosing, hoping the server's chmod/chown (as root) follows it. A
     * thread here swaps every temporary entry for a link to a private file as fast as it can.
     */
    @Test
    void setUpInADirectoryOthersCanWriteNeverChangesAFilePlantedUnderItsTemporaryName() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path victim = Files.writeString(dir.resolve("victim"), "secret");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        Thread attacker = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(shared, ".tpm4j-*")) {
                    for (Path entry : entries) {
                        if (!Files.isSymbolicLink(entry)) {
                            Files.move(entry, shared.resolve("aside-" + swaps.incrementAndGet()));
                            Files.createSymbolicLink(entry, victim);
                        }
                    }
                } catch (java.io.IOException | java.nio.file.DirectoryIteratorException raced) {
                    // The server moved or removed the entry first: try again.
                }
            }
        });
        int refused = 0;
        try {
            for (int attempt = 0; attempt < 3000; attempt++) {
                try {
                    SocketListener.unix(shared.resolve("tpm.sock"), SocketListener.Access.defaults().withMode("0666"))
                            .release();
                } catch (TpmTransportException noticed) {
                    refused++;   // The set-up saw its private directory replaced and gave up: what it should do.
                }
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(victim)),
                        "attempt " + attempt + " changed the planted file's mode (" + swaps.get() + " swaps)");
            }
        } finally {
            stop.set(true);
            attacker.join();
        }
        assertEquals("secret", Files.readString(victim));
        assertTrue(swaps.get() > 0, "the attacking thread never saw a temporary entry (" + refused + " set-ups refused)");
    }

    @Test
    void tcpPortZeroTakesAFreePortAndABusyPortIsNamed() throws Exception {
        try (SocketListener listener = SocketListener.tcp("127.0.0.1", 0);
             SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", listener.port()))) {
            assertTrue(listener.port() > 0);
            Optional<SocketConnection> accepted = listener.accept(WAIT);
            assertTrue(accepted.isPresent());
            assertTrue(accepted.get().peer().isEmpty(), "TCP has no peer credentials");
            accepted.get().close();
            TpmTransportException busy = assertThrows(TpmTransportException.class,
                    () -> SocketListener.tcp("127.0.0.1", listener.port()));
            assertTrue(busy.getMessage().contains("EADDRINUSE") && busy.getMessage().contains("bind"), busy.getMessage());
        }
    }

    @Test
    void readsHaveDeadlinesAndWakeUpEndsThem() throws Exception {
        Path path = dir.resolve("slow.sock");
        try (SocketListener listener = listen(path, SocketListener.Access.defaults());
             SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
             SocketConnection connection = listener.accept(WAIT).orElseThrow()) {
            byte[] buffer = new byte[8];
            assertEquals(0, connection.read(buffer, 0, 8, Duration.ofMillis(50)), "nothing arrives: timeout");
            client.write(ByteBuffer.wrap(new byte[3]));
            assertEquals(3, connection.read(buffer, 0, 8, WAIT), "what is there, without waiting for the rest");
            Thread waker = Thread.ofPlatform().start(() -> {
                sleep(100);
                connection.wake();
            });
            long start = System.nanoTime();
            assertEquals(-1, connection.read(buffer, 0, 8, Duration.ofSeconds(30)));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "wake() ended the wait");
            waker.join();
        }
    }

    @Test
    void acceptEndsWhenTheListenerCloses() throws Exception {
        SocketListener listener = listen(dir.resolve("closing.sock"), SocketListener.Access.defaults());
        Thread closer = Thread.ofPlatform().start(() -> {
            sleep(100);
            listener.close();
        });
        long start = System.nanoTime();
        assertTrue(listener.accept(Duration.ofSeconds(30)).isEmpty());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
        closer.join();
        listener.release();
    }

    @Test
    void badAddressesAreRefusedWithTheReason() {
        Path tooLong = dir.resolve("x".repeat(120));
        IllegalArgumentException longPath = assertThrows(IllegalArgumentException.class,
                () -> SocketListener.unix(tooLong, SocketListener.Access.defaults()));
        assertTrue(longPath.getMessage().contains("107 bytes"), longPath.getMessage());
        TpmTransportException noDir = assertThrows(TpmTransportException.class,
                () -> SocketListener.unix(dir.resolve("missing/tpm.sock"), SocketListener.Access.defaults()));
        assertTrue(noDir.getMessage().contains("ENOENT"), noDir.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SocketListener.tcp("::1", 0));
    }

    private static SocketListener listen(Path path, SocketListener.Access access) {
        return SocketListener.unix(path, access);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
