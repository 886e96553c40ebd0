package io.tpm4j.rm;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.server.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.tpm4j.rm.RmTesting.newSigningKey;
import static io.tpm4j.rm.RmTesting.signAndVerify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./tpm4j serve}'s command line, and SIGTERM on a real server process. */
class ServerMainTest {

    @TempDir
    Path dir;

    private record Outcome(int status, String out, String err) {
    }

    private static Outcome main(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Method run = Main.class.getDeclaredMethod("run", String[].class, PrintStream.class, PrintStream.class);
        run.setAccessible(true);
        int status = (int) run.invoke(null, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Outcome refusal(String... args) {
        return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> main(args),
                () -> String.join(" ", args) + " was not refused");
    }

    @Test
    void badCommandLinesSayWhatIsWrong() throws Exception {
        Outcome help = main("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--mssim tcp:HOST:PORT"), help.out());

        Outcome noBackend = main("--raw", "unix:" + dir.resolve("x.sock"));
        assertEquals(2, noBackend.status());
        assertTrue(noBackend.err().contains("exactly one backend"), noBackend.err());

        Outcome noListener = main("--swtpm");
        assertEquals(2, noListener.status());
        assertTrue(noListener.err().contains("at least one listener"), noListener.err());

        Outcome badAddress = main("--swtpm", "--mssim", "localhost:2321");
        assertEquals(2, badAddress.status());
        assertTrue(badAddress.err().contains("tcp:HOST:PORT or unix:PATH"), badAddress.err());

        Outcome badNumber = main("--swtpm", "--raw", "unix:/x", "--max-connections", "lots");
        assertEquals(2, badNumber.status());
        assertTrue(badNumber.err().contains("--max-connections takes a positive number"), badNumber.err());

        assertTrue(help.out().contains("--max-connections-per-peer") && help.out().contains("--idle-timeout"), help.out());
        Outcome badIdle = main("--swtpm", "--raw", "unix:/x", "--idle-timeout", "-1");
        assertEquals(2, badIdle.status());
        assertTrue(badIdle.err().contains("--idle-timeout takes a number of seconds"), badIdle.err());
        Outcome badPerPeer = main("--swtpm", "--raw", "unix:/x", "--max-connections-per-peer", "0");
        assertEquals(2, badPerPeer.status());
        assertTrue(badPerPeer.err().contains("--max-connections-per-peer takes a positive number"), badPerPeer.err());

        Outcome missingDevice = main("--device", dir.resolve("tpm-that-is-not-there").toString(), "--raw", "unix:/x");
        assertEquals(1, missingDevice.status());
        assertTrue(missingDevice.err().contains("ENOENT"), missingDevice.err());
    }

    @Test
    void tcpListensOnLoopbackOnlyUnlessRemoteClientsAreAllowedExplicitly() throws Exception {
        // Bounded: a server that accepted these would block in run() until the JVM stops.
        Outcome anyAddress = refusal("--swtpm", "--mssim", "tcp:0.0.0.0:2321");
        assertEquals(2, anyAddress.status(), anyAddress.err());
        assertTrue(anyAddress.err().contains("tcp:0.0.0.0:2321 is not a loopback address")
                && anyAddress.err().contains("--allow-remote"), anyAddress.err());

        Outcome rawTcp = refusal("--swtpm", "--raw", "tcp:127.0.0.1:2321");
        assertEquals(2, rawTcp.status(), rawTcp.err());
        assertTrue(rawTcp.err().contains("--raw takes unix:PATH only"), rawTcp.err());
        Outcome healthTcp = refusal("--swtpm", "--mssim", "unix:" + dir.resolve("m.sock"), "--health", "tcp:127.0.0.1:2321");
        assertEquals(2, healthTcp.status(), healthTcp.err());
        assertTrue(healthTcp.err().contains("--health takes unix:PATH only"), healthTcp.err());

        Process server = startServer("--swtpm", "--mssim", "tcp:0.0.0.0:0", "--allow-remote");
        try {
            String ready = readyLine(server);
            assertTrue(ready.contains("mssim_command tcp:0.0.0.0:") && ready.contains("warning: TCP has no access control"),
                    ready);
            int port = Integer.parseInt(ready.replaceAll(".*mssim_command tcp:0\\.0\\.0\\.0:(\\d+).*", "$1"));
            try (java.net.Socket client = new java.net.Socket("127.0.0.1", port)) {
                assertTrue(client.isConnected());
            }
        } finally {
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not stop on SIGTERM\n" + log());
        }
        assertTrue(log().contains("TCP has no access control"), log());
    }

    @Test
    void aServerThatCannotBindSaysWhereAndWhyAndLeavesNothingRunning() throws Exception {
        try (Swtpm swtpm = Swtpm.startSocketServer()) {
            Outcome outcome = main("--swtpm-socket", swtpm.socketPath().orElseThrow().toString(), "--raw",
                    "unix:" + dir.resolve("no-such-dir/raw.sock"));
            assertEquals(1, outcome.status());
            assertTrue(outcome.err().contains("no-such-dir") && outcome.err().contains("ENOENT"), outcome.err());
            // The backend was released: the one-connection swtpm socket accepts tpm4j straight away.
            try (Tpm tpm = Tpm.on(SocketTransport.connectUnix(swtpm.socketPath().orElseThrow(), CommandTimeouts.fixed(Duration.ofSeconds(10))))) {
                assertEquals(4, tpm.getRandom(4).length);
            }
        }
    }

    @Test
    void sigtermFlushesEverythingTheClientsLeftAndRemovesTheSockets() throws Exception {
        Path rawSocket = dir.resolve("raw.sock");
        try (Swtpm swtpm = Swtpm.startSocketServer()) {
            Path tpmSocket = swtpm.socketPath().orElseThrow();
            Process server = startServer("--swtpm-socket", tpmSocket.toString(), "--raw", "unix:" + rawSocket,
                    "--mssim", "tcp:127.0.0.1:0");
            try {
                String ready = readyLine(server);
                assertTrue(ready.contains("raw unix:" + rawSocket) && ready.contains("mssim_platform tcp:127.0.0.1:"), ready);
                assertTrue(ready.contains("warning: TCP has no access control: every process that can reach tcp:127.0.0.1:"),
                        ready);
                assertFalse(ready.contains("reach unix:"), ready);
                assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(rawSocket)));

                Tpm client = Tpm.on(SocketTransport.connectUnix(rawSocket, CommandTimeouts.fixed(Duration.ofSeconds(30))));
                TpmObject key = newSigningKey(client);
                AuthSession session = client.startSession(Session.hmac(TpmAlg.SHA256));
                signAndVerify(client, key, "before SIGTERM");
                assertTrue(session.handle() != 0);

                server.destroy();   // SIGTERM
                assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not stop on SIGTERM\n" + log());
                assertFalse(Files.exists(rawSocket), "the raw socket file is left behind");
                client.close();
            } finally {
                server.destroyForcibly();
            }
            String log = log();
            assertTrue(log.contains("stopping: 1 connection(s) open"), log);
            try (Tpm tpm = Tpm.on(SocketTransport.connectUnix(tpmSocket, CommandTimeouts.fixed(Duration.ofSeconds(10))))) {
                assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT), "objects left after SIGTERM");
                assertEquals(List.of(), tpm.loadedSessions(), "sessions left after SIGTERM");
                assertEquals(List.of(), tpm.savedSessions(), "saved sessions left after SIGTERM");
            }
        }
    }

    private Process startServer(String... args) throws java.io.IOException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(dir.resolve("server.log").toFile()).start();
    }

    private String readyLine(Process server) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String ready = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
        assertTrue(ready != null && ready.startsWith("tpm4j serve: ready: "), ready + "\n" + log());
        return ready;
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
