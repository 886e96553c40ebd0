// In package io.tpm4j.ffi (on the class path) so that the baseline can call the package-private LibC, Descriptors and NativeProcess.
package io.tpm4j.ffi;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.wire.TpmHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * TPM2_GetRandom(16) round trips to {@code swtpm chardev} over a socketpair, three ways in one run:
 * through {@link LinuxTpmDevice#transmit}, through the {@link Tpm} facade, and through a bare
 * write/poll/read loop on the same kind of descriptor, which is the floor for Java on that descriptor.
 * Each benchmark has its own swtpm process.
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class GetRandomBenchmark {

    /** TPM2_GetRandom(bytesRequested = 16): TPM_ST_NO_SESSIONS, size 12, TPM_CC_GetRandom (0x17B). */
    static final byte[] GET_RANDOM_16 = {
            (byte) 0x80, 0x01, 0x00, 0x00, 0x00, 0x0C, 0x00, 0x00, 0x01, 0x7B, 0x00, 0x10};
    /** TPM2_Startup(TPM_SU_CLEAR). */
    static final byte[] STARTUP_CLEAR = {
            (byte) 0x80, 0x01, 0x00, 0x00, 0x00, 0x0C, 0x00, 0x00, 0x01, 0x44, 0x00, 0x00};
    private static final int TPM_RC_INITIALIZE = 0x100;
    private static final ValueLayout.OfInt BIG_ENDIAN_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** A swtpm chardev driven by tpm4j: its {@link LinuxTpmDevice} and a {@link Tpm} on it. */
    @State(Scope.Benchmark)
    public static class Tpm4j {
        Swtpm swtpm;
        LinuxTpmDevice device;
        Tpm tpm;
        private Thread cleanup;

        @Setup(Level.Trial)
        public void start() {
            swtpm = Swtpm.startChardev();
            cleanup = cleanupOnExit(swtpm::close);
            device = (LinuxTpmDevice) swtpm.transport();
            tpm = Tpm.on(device);
            tpm.startupIfNeeded();
            byte[] response = device.transmit(GET_RANDOM_16);
            if (response.length != 28 || TpmHeader.ofResponse(response).code() != 0) {
                throw new IllegalStateException("unexpected GetRandom response of " + response.length + " bytes");
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            if (swtpm != null) {
                swtpm.close();
            }
            forgetCleanup(cleanup);
        }
    }

    /**
     * A swtpm chardev spawned the way {@link Swtpm#startChardev()} does it, driven with nothing but
     * preallocated native memory and the three system calls.
     */
    @State(Scope.Benchmark)
    public static class Bare {
        private static final int BUFFER = LinuxTpmDevice.MAX_MESSAGE;

        Arena arena;
        MemorySegment callState;
        MemorySegment command;
        MemorySegment pollFd;
        MemorySegment response;
        int fd = -1;
        /**
         * The poll timeout of the bare loop: -1 (none) by default; {@code -p pollTimeoutMillis=3000} gives it
         * the finite timeout that LinuxTpmDevice passes for GetRandom, to see what arming that timer costs.
         */
        @Param("-1")
        int pollTimeoutMillis;
        private NativeProcess process;
        private Path dir;
        private Thread cleanup;

        @Setup(Level.Trial)
        public void start() throws IOException {
            dir = Files.createTempDirectory("tpm4j-bench-swtpm-");
            cleanup = cleanupOnExit(this::release);
            int[] pair = Descriptors.socketPair(LibC.SOCK_STREAM);
            fd = pair[0];
            try {
                process = NativeProcess.spawn(List.of(swtpmPath(), "chardev", "--tpm2", "--fd", "3",
                                "--tpmstate", "dir=" + dir, "--flags", "not-need-init"),
                        Map.of(3, pair[1]), dir.resolve("swtpm.out"));
            } finally {
                Descriptors.close(pair[1]);
            }
            arena = Arena.ofShared();
            callState = LibC.callState(arena);
            command = arena.allocate(GET_RANDOM_16.length);
            response = arena.allocate(BUFFER);
            pollFd = arena.allocate(LibC.POLLFD);
            pollFd.set(ValueLayout.JAVA_INT, 0, fd);
            pollFd.set(ValueLayout.JAVA_SHORT, LibC.POLLFD_EVENTS, LibC.POLLIN);
            // Same descriptor flags as the device gets from LinuxTpmDevice.wrap with the default options.
            int flags = LibC.fcntl(callState, fd, LibC.F_GETFL, 0);
            if (flags < 0 || LibC.fcntl(callState, fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK) < 0) {
                throw new IllegalStateException("fcntl failed: " + Errno.nameOf(LibC.errno(callState)));
            }

            MemorySegment.copy(STARTUP_CLEAR, 0, command, ValueLayout.JAVA_BYTE, 0, STARTUP_CLEAR.length);
            int size = roundTrip(this);
            int rc = response.get(BIG_ENDIAN_INT, 6);
            if (size != TpmHeader.SIZE || (rc != 0 && rc != TPM_RC_INITIALIZE)) {
                throw new IllegalStateException("TPM2_Startup failed: size " + size + ", rc 0x" + Integer.toHexString(rc));
            }
            MemorySegment.copy(GET_RANDOM_16, 0, command, ValueLayout.JAVA_BYTE, 0, GET_RANDOM_16.length);
            size = roundTrip(this);
            if (size != 28 || response.get(BIG_ENDIAN_INT, 6) != 0) {
                throw new IllegalStateException("unexpected GetRandom response of " + size + " bytes");
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            release();
            forgetCleanup(cleanup);
        }

        private synchronized void release() {
            if (fd >= 0) {
                Descriptors.close(fd);
                fd = -1;
            }
            if (process != null) {
                process.terminate(Duration.ofSeconds(2));
                process = null;
            }
            if (dir != null) {
                deleteTree(dir);
                dir = null;
            }
            if (arena != null) {
                try {
                    arena.close();
                } catch (IllegalStateException inUse) {
                    // At exit the benchmark thread may still be inside a call; the process frees the memory.
                }
                arena = null;
            }
        }
    }

    @Benchmark
    public byte[] tpm4jDevice(Tpm4j s) {
        return s.device.transmit(GET_RANDOM_16);
    }

    @Benchmark
    public byte[] tpm4jTpm(Tpm4j s) {
        return s.tpm.getRandom(16);
    }

    @Benchmark
    public int bareLoop(Bare s) {
        return roundTrip(s);
    }

    /**
     * One write of the command, one poll for POLLIN, then reads until the size in the response header has
     * arrived (another poll only if the response came in pieces). Returns the response size.
     */
    static int roundTrip(Bare s) {
        LibC.write(s.callState, s.fd, s.command, s.command.byteSize());
        LibC.poll(s.callState, s.pollFd, 1, s.pollTimeoutMillis);
        int filled = 0;
        int expected = TpmHeader.SIZE;
        while (filled < expected) {
            long n = LibC.read(s.callState, s.fd, filled == 0 ? s.response : s.response.asSlice(filled),
                    Bare.BUFFER - filled);
            if (n > 0) {
                filled += (int) n;
                if (filled >= 6) {
                    expected = s.response.get(BIG_ENDIAN_INT, 2);
                }
            } else if (n == 0) {
                throw new IllegalStateException("swtpm closed the connection");
            } else {
                LibC.poll(s.callState, s.pollFd, 1, s.pollTimeoutMillis);
            }
        }
        return filled;
    }

    private static String swtpmPath() {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        return Stream.of(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, "swtpm"))
                .filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElseThrow(() -> new IllegalStateException("swtpm is not on the PATH"));
    }

    /** Stops a swtpm even when the forked VM is ended before its tear-down runs (e.g. Ctrl-C). */
    private static Thread cleanupOnExit(Runnable release) {
        Thread hook = new Thread(release, "tpm4j-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static void forgetCleanup(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway; releasing twice is harmless.
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + dir, e);
        }
    }
}
