package io.tpm4j.rm.hostile;

import io.tpm4j.rm.server.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, point 7: a server that runs out of file descriptors (EMFILE on accept) must not stop listening for
 * good. A server process ({@code ./tpm4j serve} in a child JVM) gets its descriptor limit lowered (prlimit) to
 * just above what it holds; clients beyond that wait unaccepted, and once held connections close, the server
 * accepts and serves them.
 */
class ListenerKeepsAcceptingAfterRunningOutOfDescriptorsTest {

    private static final int HELD = 20;
    private static final int WAITING = 6;
    private static final int HEADROOM = 2;

    @TempDir
    Path dir;

    @Test
    void clientsQueuedWhileTheServerHadNoDescriptorLeftAreServedOnceItHasAgain() throws Exception {
        Path rawSocket = dir.resolve("raw.sock");
        Path healthSocket = dir.resolve("health.sock");
        Path log = dir.resolve("server.log");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--swtpm", "--raw", "unix:" + rawSocket, "--health", "unix:" + healthSocket)
                .redirectError(log.toFile()).start();
        List<SocketChannel> held = new ArrayList<>();
        List<SocketChannel> waiting = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String ready = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
            assertTrue(ready != null && ready.startsWith("tpm4j serve: ready: "), ready + "\n" + Files.readString(log));
            for (int i = 0; i < HELD; i++) {
                SocketChannel c = connect(rawSocket);
                held.add(c);
                assertEquals(0, RawFrames.responseCode(RawFrames.exchange(c, RawFrames.getRandom(8))));
            }
            assertTrue(health(healthSocket).contains("\"state\":\"serving\""));

            long open;
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(server.pid()), "fd"))) {
                open = fds.count();
            }
            prlimit(server.pid(), open + HEADROOM);
            for (int i = 0; i < WAITING; i++) {
                waiting.add(connect(rawSocket));   // the kernel queues them; the server cannot accept them all
            }
            // Give the server time to meet EMFILE (checked in its log below, once the clients are served).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!Files.readString(log).contains("EMFILE") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }

            for (SocketChannel c : held) {
                c.close();   // the server closes its ends, and has descriptors again
            }
            for (SocketChannel c : waiting) {
                int rc;
                try {
                    rc = RawFrames.responseCode(RawFrames.exchange(c, RawFrames.getRandom(8)));
                } catch (AssertionError | java.io.IOException e) {
                    throw new AssertionError("a client queued during EMFILE was not served: " + e.getMessage()
                            + "; the server's log:\n" + Files.readString(log), e);
                }
                assertEquals(0, rc, "a client queued during EMFILE is served");
            }
            String said = Files.readString(log);
            assertTrue(said.contains("cannot accept connections: EMFILE") && said.contains("accepting connections again"), said);
            assertTrue(health(healthSocket).contains("\"state\":\"serving\""));
        } finally {
            for (SocketChannel c : held) {
                c.close();
            }
            for (SocketChannel c : waiting) {
                c.close();
            }
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not stop on SIGTERM");
        }
    }

    private static SocketChannel connect(Path socket) throws java.io.IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(socket));
        return c;
    }

    private static String health(Path socket) throws java.io.IOException {
        try (SocketChannel c = connect(socket)) {
            return new String(RawFrames.readUntilClosed(c), StandardCharsets.UTF_8);
        }
    }

    /** Lowers the soft limit on open files of process {@code pid}, keeping its hard limit. */
    private static void prlimit(long pid, long soft) throws Exception {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + soft + ":")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "prlimit: " + output);
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
