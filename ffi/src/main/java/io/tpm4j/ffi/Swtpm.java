package io.tpm4j.ffi;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.transport.SocketTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private software TPM (swtpm, with libtpms) for development, tests and machines without a chip. Its
 * state lives in a fresh temporary directory, removed on {@link #close()}, which also stops the process.
 *
 * <ul>
 *   <li>{@link #startChardev} runs {@code swtpm chardev --tpm2 --fd 3} on one end of a socketpair and
 *   returns the other end as a {@link LinuxTpmDevice}, so commands take the same write/poll/read path as
 *   on /dev/tpm0.</li>
 *   <li>{@link #startSocket} runs {@code swtpm socket} on a Unix socket and connects a {@link SocketTransport}.</li>
 * </ul>
 * The TPM is powered on but not started: send TPM2_Startup first, as firmware would. {@code Tpm.startupIfNeeded()}
 * leaves the platform hierarchy enabled with an empty password (what platform tests want);
 * {@code PlatformHierarchy.DISABLE.startupIfNeeded(tpm)} also disables it, as a TPM shared with others needs.
 */
public final class Swtpm implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Swtpm.class);
    private static final int CHILD_FD = 3;
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(10);
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(5);
    /** CMD_SET_LOCALITY on swtpm's control channel (a u32 command code, then the locality byte). */
    private static final int CMD_SET_LOCALITY = 5;

    private final NativeProcess process;
    private final Path stateDir;
    private final TpmTransport transport;
    private final Path socketPath;
    private boolean closed;

    private Swtpm(NativeProcess process, Path stateDir, TpmTransport transport, Path socketPath) {
        this.process = process;
        this.stateDir = stateDir;
        this.transport = transport;
        this.socketPath = socketPath;
    }

    /** Whether swtpm can be found on the PATH. */
    public static boolean isInstalled() {
        return executable().isPresent();
    }

    /** Starts {@code swtpm chardev} over a socketpair, with the default device options. */
    public static Swtpm startChardev() {
        return startChardev(LinuxTpmDevice.Options.defaults());
    }

    /** Starts {@code swtpm chardev} over a socketpair; the device is driven with {@code options}. */
    public static Swtpm startChardev(LinuxTpmDevice.Options options) {
        return startChardev(options, createStateDir());
    }

    /**
     * Starts {@code swtpm chardev} over a socketpair on a copy of {@code preparedState}, a state directory made
     * beforehand (by {@code swtpm_setup} with EK certificates, say). The copy is this instance's own and removed on
     * {@link #close()}: the prepared state stays as it was, for the next instance.
     */
    public static Swtpm startChardev(Path preparedState) {
        Path dir = createStateDir();
        try {
            copyState(preparedState, dir);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
        return startChardev(LinuxTpmDevice.Options.defaults(), dir);
    }

    private static Swtpm startChardev(LinuxTpmDevice.Options options, Path dir) {
        NativeAccess.require();
        Path swtpm;
        try {
            swtpm = requireExecutable();
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
        int[] pair = Descriptors.socketPair(LibC.SOCK_STREAM);
        NativeProcess process;
        try {
            process = NativeProcess.spawn(List.of(swtpm.toString(), "chardev", "--tpm2", "--fd",
                    Integer.toString(CHILD_FD), "--tpmstate", "dir=" + dir, "--flags", "not-need-init",
                    "--log", "file=" + dir.resolve("swtpm.log") + ",level=1"),
                    Map.of(CHILD_FD, pair[1]), dir.resolve("swtpm.out"));
        } catch (RuntimeException e) {
            Descriptors.close(pair[0]);
            Descriptors.close(pair[1]);
            deleteTree(dir);
            throw e;
        }
        Descriptors.close(pair[1]);
        try {
            LinuxTpmDevice device = LinuxTpmDevice.wrap(pair[0], "swtpm chardev (pid " + process.pid() + ")", options);
            log.debug("started {} in {}", process.description(), dir);
            return new Swtpm(process, dir, device, null);
        } catch (RuntimeException e) {
            Descriptors.close(pair[0]);
            process.terminate(STOP_GRACE);
            deleteTree(dir);
            throw e;
        }
    }

    /** Starts {@code swtpm socket} on a Unix socket in its state directory and connects to it. */
    public static Swtpm startSocket(CommandTimeouts timeouts) {
        // --terminate: swtpm exits when this connection drops, so even a crashed JVM leaves none behind.
        Swtpm sw = startSocketProcess(true);
        try {
            return new Swtpm(sw.process, sw.stateDir, SocketTransport.connectUnix(sw.socketPath, timeouts), sw.socketPath);
        } catch (RuntimeException e) {
            sw.close();
            throw e;
        }
    }

    /**
     * Starts {@code swtpm socket} without connecting, for several clients one after another (swtpm serves
     * one connection at a time): tpm4j through {@link SocketTransport#connectUnix}, tpm2-tools through
     * {@code -T swtpm:path=SOCKET} (its control socket is SOCKET.ctrl, where that TCTI looks for it).
     * {@link #transport()} is not available; {@link #socketPath()} is.
     */
    public static Swtpm startSocketServer() {
        return startSocketProcess(false);
    }

    private static Swtpm startSocketProcess(boolean terminateWithConnection) {
        NativeAccess.require();
        Path swtpm = requireExecutable();
        Path dir = createStateDir();
        Path socket = dir.resolve("swtpm.sock");
        List<String> argv = new ArrayList<>(List.of(swtpm.toString(), "socket", "--tpm2",
                "--server", "type=unixio,path=" + socket, "--ctrl", "type=unixio,path=" + socket + ".ctrl",
                "--tpmstate", "dir=" + dir, "--flags", "not-need-init",
                "--log", "file=" + dir.resolve("swtpm.log") + ",level=1"));
        if (terminateWithConnection) {
            argv.add("--terminate");
        }
        NativeProcess process = NativeProcess.spawn(argv, Map.of(), dir.resolve("swtpm.out"));
        try {
            awaitSocket(process, socket, dir);
            log.debug("started {} in {}", process.description(), dir);
            return new Swtpm(process, dir, null, socket);
        } catch (RuntimeException e) {
            process.terminate(STOP_GRACE);
            deleteTree(dir);
            throw e;
        }
    }

    /** The Unix socket of a socket-mode swtpm. */
    public Optional<Path> socketPath() {
        return Optional.ofNullable(socketPath);
    }

    /** The transport to this TPM: a {@link LinuxTpmDevice} (chardev) or a {@link SocketTransport}. */
    public TpmTransport transport() {
        if (transport == null) {
            throw new IllegalStateException("this swtpm was started as a server: connect to " + socketPath
                    + " with SocketTransport.connectUnix");
        }
        return transport;
    }

    /**
     * Sets the locality (0 to 4) of the commands that follow, as a platform's chipset would, through the control
     * socket of a socket-mode swtpm.
     */
    public void setLocality(int locality) {
        if (locality < 0 || locality > 4) {
            throw new IllegalArgumentException("locality " + locality + " is not 0 to 4");
        }
        if (socketPath == null) {
            throw new IllegalStateException("a chardev swtpm has no control socket; start it with startSocket to set the locality");
        }
        Path control = Path.of(socketPath + ".ctrl");
        ByteBuffer reply = ByteBuffer.allocate(4);
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(control));
             Selector selector = Selector.open()) {
            channel.write(ByteBuffer.allocate(5).putInt(CMD_SET_LOCALITY).put((byte) locality).flip());
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            long deadline = System.nanoTime() + CONTROL_TIMEOUT.toNanos();
            while (reply.hasRemaining()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new TpmTransportException(control.toString(), "no answer to CMD_SET_LOCALITY within "
                            + CONTROL_TIMEOUT.toSeconds() + " s");
                }
                selector.select(left);
                if (channel.read(reply) < 0) {
                    throw new TpmTransportException(control.toString(), "swtpm closed the control socket before answering");
                }
            }
        } catch (IOException e) {
            throw new TpmTransportException(control.toString(), "cannot use swtpm's control socket: " + e.getMessage());
        }
        int result = reply.getInt(0);
        if (result != 0) {
            throw new TpmTransportException(control.toString(), String.format(
                    "swtpm refused locality %d: result 0x%08x", locality, result));
        }
    }

    /** The process id, for tests that need to stop or kill the TPM. */
    public int pid() {
        return process.pid();
    }

    /** Whether the swtpm process has exited. */
    public boolean hasExited() {
        return process.hasExited();
    }

    /** Closes the transport, stops the process (SIGTERM, then SIGKILL) and removes its state. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (transport != null) {
            transport.close();
        }
        process.terminate(STOP_GRACE);
        deleteTree(stateDir);
    }

    private static Optional<Path> executable() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin");
        return Stream.of(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, "swtpm"))
                .filter(Files::isExecutable).findFirst();
    }

    private static Path requireExecutable() {
        return executable().orElseThrow(() -> new TpmTransportException("swtpm",
                "swtpm is not installed (not on PATH): install it with 'apt-get install swtpm swtpm-tools'"));
    }

    private static Path createStateDir() {
        try {
            return Files.createTempDirectory("tpm4j-swtpm-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory for swtpm", e);
        }
    }

    /** Copies the state files (not swtpm's lock file) of {@code from} into {@code to}. */
    private static void copyState(Path from, Path to) {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals(".lock"))
                    .toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the swtpm state in " + from, e);
        }
    }

    /** swtpm creates its socket once it is ready to accept; wait for that, or for the process to die. */
    private static void awaitSocket(NativeProcess process, Path socket, Path dir) {
        long deadline = System.nanoTime() + SOCKET_WAIT.toNanos();
        // The file appears at bind(); a connect before listen() is refused, so wait for the listening state.
        while (!listening(socket)) {
            if (process.hasExited() || System.nanoTime() - deadline >= 0) {
                throw new TpmTransportException("swtpm socket", "swtpm did not start"
                        + (process.hasExited() ? " (it exited)" : " within " + SOCKET_WAIT.toSeconds() + " s")
                        + ": " + tail(dir.resolve("swtpm.out")) + tail(dir.resolve("swtpm.log")));
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TpmTransportException("swtpm socket", "interrupted while waiting for swtpm to start");
            }
        }
    }

    /**
     * Whether a Unix socket is listening, from /proc/net/unix (flags 00010000 is __SO_ACCEPTCON), without
     * connecting to it: a {@code --terminate} swtpm would exit when a probe connection closed.
     */
    private static boolean listening(Path socket) {
        String suffix = " " + socket;
        try (java.util.stream.Stream<String> lines = Files.lines(Path.of("/proc/net/unix"))) {
            return lines.anyMatch(line -> line.endsWith(suffix) && line.trim().split("\\s+")[3].equals("00010000"));
        } catch (IOException | RuntimeException e) {
            return Files.exists(socket);
        }
    }

    private static String tail(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.length() > 500 ? text.substring(text.length() - 500) : text;
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.debug("could not remove {}: {}", dir, e.toString());
        }
    }
}
