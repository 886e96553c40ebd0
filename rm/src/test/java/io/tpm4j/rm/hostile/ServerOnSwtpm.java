package io.tpm4j.rm.hostile;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.TpmChip;
import io.tpm4j.rm.WithResourceManager;
import io.tpm4j.rm.server.Endpoint;
import io.tpm4j.rm.server.RmServer;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A server over a private swtpm, as a hostile client finds it: a raw Unix socket, mssim on Unix sockets and a
 * health socket in {@code dir}. Closing it stops the server and the RM, then checks that the raw TPM holds nothing.
 */
final class ServerOnSwtpm implements AutoCloseable {

    final Swtpm swtpm;
    final TpmChip chip;
    final ResourceManager rm;
    /** The TPM straight through its device, past the RM: what is really loaded. */
    final Tpm raw;
    final RmServer server;
    final Path rawSocket;
    final Path mssimSocket;
    final Path healthSocket;

    /** {@code serving} may swap the RM the server uses (to inject a fault); the real one is still closed and checked. */
    ServerOnSwtpm(Path dir, RmServer.Options options, UnaryOperator<ResourceManager> serving) {
        swtpm = Swtpm.startChardev();
        TpmTransport device = swtpm.transport();
        raw = Tpm.on(device::transmit);
        chip = TpmChip.over(device, "swtpm");
        rm = ResourceManager.over(chip, ResourceManager.Options.defaults());
        rawSocket = dir.resolve("raw.sock");
        mssimSocket = dir.resolve("mssim.sock");
        healthSocket = dir.resolve("health.sock");
        server = RmServer.start(serving.apply(rm), List.of(Endpoint.raw("unix:" + rawSocket),
                Endpoint.mssim("unix:" + mssimSocket), Endpoint.health("unix:" + healthSocket)), options);
    }

    ServerOnSwtpm(Path dir, RmServer.Options options) {
        this(dir, options, UnaryOperator.identity());
    }

    SocketChannel connect(Path socket) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(socket));
        return c;
    }

    void assertNothingLoaded() {
        WithResourceManager.assertNothingLoaded(raw);
    }

    @Override
    public void close() {
        try {
            server.close();
            assertEquals(0, server.health().connections(), "connections left after close");
            rm.close();
            if (!chip.isRemoved()) {
                assertNothingLoaded();
            }
        } finally {
            chip.close();
            swtpm.close();
        }
    }

    /** Waits up to {@code seconds} for a condition, such as the server noticing that clients have gone. */
    static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
