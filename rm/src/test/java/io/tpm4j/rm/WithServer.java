package io.tpm4j.rm;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.rm.server.Endpoint;
import io.tpm4j.rm.server.RmServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A resource manager over a private swtpm, served on a raw Unix socket, mssim over TCP (a free port) and over Unix
 * sockets, and a health socket. The server is closed after each test, before the RM checks that the TPM is empty.
 */
abstract class WithServer extends WithResourceManager {

    @TempDir
    Path dir;
    RmServer server;
    Path rawSocket;
    Path mssimSocket;
    Path healthSocket;
    int mssimPort;

    RmServer.Options serverOptions() {
        return RmServer.Options.defaults();
    }

    @BeforeEach
    void startServer() {
        rawSocket = dir.resolve("raw.sock");
        mssimSocket = dir.resolve("mssim.sock");
        healthSocket = dir.resolve("health.sock");
        server = RmServer.start(rm, List.of(Endpoint.raw("unix:" + rawSocket), Endpoint.mssim("tcp:127.0.0.1:0"),
                Endpoint.mssim("unix:" + mssimSocket), Endpoint.health("unix:" + healthSocket)), serverOptions());
        mssimPort = server.mssimPort().orElseThrow();
    }

    @AfterEach
    void stopServer() {
        server.close();
        assertEquals(0, server.health().connections(), "connections left after close");
    }

    /** A client of the raw socket, through tpm4j's own socket transport. */
    Tpm client() {
        return Tpm.on(SocketTransport.connectUnix(rawSocket, CommandTimeouts.fixed(Duration.ofSeconds(30))));
    }

    /** Runs a tpm2-tools command in {@link #dir} through the server's mssim TCP socket; it must succeed. */
    String tools(String... command) throws Exception {
        return toolsVia("mssim:host=127.0.0.1,port=" + mssimPort, command);
    }

    String toolsVia(String tcti, String... command) throws Exception {
        ProcessResult result = run(Map.of("TPM2TOOLS_TCTI", tcti), command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + " (" + tcti + "):\n" + result.output());
        return result.output();
    }

    record ProcessResult(int exitCode, String output) {
    }

    /** Runs a program in {@link #dir} with extra environment; fails the test if it takes over a minute. */
    ProcessResult run(Map<String, String> environment, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process p = builder.start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
        }
        return new ProcessResult(p.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** Waits up to ten seconds for a condition, such as the server noticing that clients have gone. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
