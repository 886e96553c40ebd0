package io.tpm4j.api.testing;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.transport.SocketTransport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private swtpm for api's own tests, in socket mode (api has no native code, so no socketpair): started,
 * connected with {@link SocketTransport}, and TPM2_Startup run. Closing it stops swtpm and removes its state.
 */
public final class SocketSwtpm implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final SocketTransport transport;

    private SocketSwtpm(Process process, Path dir, SocketTransport transport) {
        this.process = process;
        this.dir = dir;
        this.transport = transport;
    }

    public static SocketSwtpm start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("tpm4j-api-swtpm");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path socket = dir.resolve("swtpm.sock");
        Process process;
        try {
            process = new ProcessBuilder("swtpm", "socket", "--tpm2", "--server", "type=unixio,path=" + socket,
                    "--ctrl", "type=unixio,path=" + socket + ".ctrl", "--tpmstate", "dir=" + dir,
                    "--flags", "not-need-init,startup-clear", "--terminate")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("swtpm.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start swtpm (is the swtpm package installed?)", e);
        }
        // swtpm creates the socket file before it listens on it: connect until it answers, within a deadline.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (Files.exists(socket)) {
                try {
                    return new SocketSwtpm(process, dir, SocketTransport.connectUnix(socket,
                            CommandTimeouts.fixed(Duration.ofSeconds(30))));
                } catch (TpmTransportException notYet) {
                    // not listening yet
                }
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("swtpm did not listen on " + socket + "; see " + dir.resolve("swtpm.out"));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The connection to swtpm; closing a {@link Tpm} over it does not end swtpm (see {@link #unclosable()}). */
    public TpmTransport transport() {
        return transport;
    }

    /** The connection as a transport whose close() does nothing, for facades the test closes before swtpm. */
    public TpmTransport unclosable() {
        return transport::transmit;
    }

    @Override
    public void close() {
        transport.close();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
