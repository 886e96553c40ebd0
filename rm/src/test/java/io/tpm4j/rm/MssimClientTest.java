package io.tpm4j.rm;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.transport.MssimTransport;
import io.tpm4j.api.types.TpmHt;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tpm4j.rm.RmTesting.newSigningKey;
import static io.tpm4j.rm.RmTesting.signAndVerify;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * api's mssim client transport against two mssim servers: tpm4j's own (TCP loopback and Unix sockets), each
 * connection a space of its own that SESSION_END closes; and swtpm's TCP data channel, which accepts the
 * simulator's framing as well as raw commands.
 */
class MssimClientTest extends WithServer {

    private static final CommandTimeouts TIMEOUTS = CommandTimeouts.fixed(Duration.ofSeconds(30));

    @Test
    void overTcpAClientSignsInASpaceOfItsOwnAndSessionEndClosesIt() throws Exception {
        try (Tpm a = Tpm.on(MssimTransport.connectTcp("127.0.0.1", mssimPort, TIMEOUTS));
             Tpm b = Tpm.on(MssimTransport.connectTcp("127.0.0.1", mssimPort, TIMEOUTS))) {
            try (TpmObject key = newSigningKey(a)) {
                signAndVerify(a, key, "through mssim over TCP");
                assertEquals(List.of(key.handle()), a.handles(TpmHt.TRANSIENT));
                assertEquals(List.of(), b.handles(TpmHt.TRANSIENT));
            }
            assertEquals(2, server.health().connections());
        }
        await("the server closed both connections after SESSION_END", () -> server.health().connections() == 0);
    }

    @Test
    void overAUnixSocketTheSameHolds() throws Exception {
        try (Tpm tpm = Tpm.on(MssimTransport.connectUnix(mssimSocket, TIMEOUTS)); TpmObject key = newSigningKey(tpm)) {
            signAndVerify(tpm, key, "through mssim over a Unix socket");
            assertEquals(32, tpm.getRandom(32).length);
        }
        await("the server closed the connection after SESSION_END", () -> server.health().connections() == 0);
    }

    @Test
    void swtpmsTcpDataChannelAcceptsTheSimulatorFraming() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        java.nio.file.Path state = Files.createDirectory(dir.resolve("swtpm-tcp"));
        Process swtpm = new ProcessBuilder("swtpm", "socket", "--tpm2", "--server", "type=tcp,port=" + port
                + ",bindaddr=127.0.0.1", "--tpmstate", "dir=" + state, "--flags", "not-need-init,startup-clear")
                .redirectErrorStream(true).redirectOutput(state.resolve("out").toFile()).start();
        try {
            await("swtpm listens on port " + port, () -> {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    return true;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            try (Tpm tpm = Tpm.on(MssimTransport.connectTcp("127.0.0.1", port, TIMEOUTS))) {
                try (TpmObject key = newSigningKey(tpm)) {
                    signAndVerify(tpm, key, "through swtpm's TCP channel, mssim framing");
                }
                assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT));
            }
        } finally {
            swtpm.destroy();
            swtpm.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
