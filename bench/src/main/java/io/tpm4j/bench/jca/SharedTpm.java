package io.tpm4j.bench.jca;

import io.tpm4j.api.Tpm;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.RmCounters;
import io.tpm4j.rm.TpmChip;
import io.tpm4j.rm.server.Endpoint;
import io.tpm4j.rm.server.RmServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One private swtpm behind tpm4j's resource manager and its server, in this JVM, for the JCA benchmarks: every
 * client of the comparison reaches the same TPM through the same RM, and the server's counters count what each
 * costs the TPM. tpm2-tss clients (tpm2-pkcs11, tpm2-tools) connect with {@link #mssimTcti()}, tpm4j clients to
 * {@link #rawSocket()} (the provider's {@code unix:PATH} configuration, or {@code SocketTransport.connectUnix}).
 * The sockets live in a private temporary directory, removed on {@link #close()}.
 */
public final class SharedTpm implements AutoCloseable {

    private final Path directory;
    private final Swtpm swtpm;
    private final CommandTally tally;
    private final TpmChip chip;
    private final ResourceManager rm;
    private final RmServer server;
    private final Thread cleanup;

    private SharedTpm(Path directory, Swtpm swtpm, CommandTally tally, TpmChip chip, ResourceManager rm,
                      RmServer server) {
        this.directory = directory;
        this.swtpm = swtpm;
        this.tally = tally;
        this.chip = chip;
        this.rm = rm;
        this.server = server;
        // Stops swtpm even when a forked benchmark VM is ended before its tear-down runs (e.g. Ctrl-C).
        this.cleanup = new Thread(swtpm::close, "tpm4j-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Starts swtpm (a chardev, as the other benchmarks), the RM over it and the server's sockets. */
    public static SharedTpm start() {
        Path directory = createDirectory();
        Swtpm swtpm = Swtpm.startChardev();
        try {
            Tpm.on(swtpm.transport()).startupIfNeeded();
            CommandTally tally = new CommandTally(swtpm.transport());
            TpmChip chip = TpmChip.over(tally, "swtpm chardev pid " + swtpm.pid());
            ResourceManager rm = ResourceManager.over(chip);
            RmServer server = RmServer.start(rm, List.of(
                    Endpoint.mssim("unix:" + directory.resolve("mssim.sock")),
                    Endpoint.raw("unix:" + directory.resolve("raw.sock")),
                    Endpoint.health("unix:" + directory.resolve("health.sock"))), RmServer.Options.defaults());
            return new SharedTpm(directory, swtpm, tally, chip, rm, server);
        } catch (RuntimeException e) {
            swtpm.close();
            deleteTree(directory);
            throw e;
        }
    }

    /** The tpm2-tss TCTI string for this TPM: tpm2-tss's mssim TCTI over the server's Unix socket. */
    public String mssimTcti() {
        return "mssim:path=" + directory.resolve("mssim.sock");
    }

    /** The server's raw socket: tpm4j's own clients connect here. */
    public Path rawSocket() {
        return directory.resolve("raw.sock");
    }

    /** The server's health socket (one line of JSON with "clientCommands" and "tpmCommands" per connection). */
    public Path healthSocket() {
        return directory.resolve("health.sock");
    }

    /** The server's counters: client commands and the TPM commands they cost, over all connections so far. */
    public RmCounters counters() {
        return server.health().counters();
    }

    /** The commands that reached the TPM so far, by name. */
    public Map<String, Long> commandsByName() {
        return tally.snapshot();
    }

    /** The time spent waiting for the TPM's responses so far, in nanoseconds. */
    public long nanosAtTpm() {
        return tally.nanosAtTpm();
    }

    /** The private directory for the sockets; clients may keep their own files in it until {@link #close()}. */
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        server.close();
        rm.close();
        chip.close();
        swtpm.close();
        deleteTree(directory);
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway; closing twice is harmless.
        }
    }

    private static Path createDirectory() {
        try {
            return Files.createTempDirectory("tpm4j-bench-jca");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the benchmark's sockets", e);
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }
}
