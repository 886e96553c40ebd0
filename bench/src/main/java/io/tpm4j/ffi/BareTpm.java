package io.tpm4j.ffi;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.wire.TpmHeader;

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
import java.util.stream.Stream;

/**
 * The floor the benchmarks compare against: a swtpm chardev spawned the way {@link Swtpm#startChardev()} does
 * it, driven with nothing but preallocated native memory and the three system calls. No lock, no deadline,
 * no validation, no copy, no allocation per round trip.
 */
final class BareTpm implements AutoCloseable {

    static final int BUFFER = LinuxTpmDevice.MAX_MESSAGE;
    static final ValueLayout.OfInt BIG_ENDIAN_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    final Arena arena;
    final MemorySegment callState;
    final MemorySegment command;
    final MemorySegment pollFd;
    final MemorySegment response;
    private final int pollTimeoutMillis;
    private int fd;
    private NativeProcess process;
    private Path dir;
    private final Thread cleanup;

    /** @param pollTimeoutMillis the poll timeout of the loop: -1 for none */
    BareTpm(int pollTimeoutMillis) throws IOException {
        this.pollTimeoutMillis = pollTimeoutMillis;
        dir = Files.createTempDirectory("tpm4j-bench-swtpm-");
        cleanup = new Thread(this::close, "tpm4j-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
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
        command = arena.allocate(BUFFER);
        response = arena.allocate(BUFFER);
        pollFd = arena.allocate(LibC.POLLFD);
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, LibC.POLLFD_EVENTS, LibC.POLLIN);
        // Same descriptor flags as the device gets from LinuxTpmDevice.wrap with the default options.
        int flags = LibC.fcntl(callState, fd, LibC.F_GETFL, 0);
        if (flags < 0 || LibC.fcntl(callState, fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK) < 0) {
            throw new IllegalStateException("fcntl failed: " + Errno.nameOf(LibC.errno(callState)));
        }
    }

    /** A transport over the bare loop, for setting the TPM up (copies in and out; not for measuring). */
    TpmTransport transport() {
        return request -> {
            MemorySegment.copy(request, 0, command, ValueLayout.JAVA_BYTE, 0, request.length);
            int size = roundTrip(request.length);
            return response.asSlice(0, size).toArray(ValueLayout.JAVA_BYTE);
        };
    }

    /** The response code of the last response. */
    int responseCode() {
        return response.get(BIG_ENDIAN_INT, 6);
    }

    /**
     * Sends the first {@code length} bytes of {@link #command}: one write, one poll for POLLIN, then reads
     * until the size in the response header has arrived (another poll only if the response came in
     * pieces). Returns the response size.
     */
    int roundTrip(long length) {
        LibC.write(callState, fd, command, length);
        LibC.poll(callState, pollFd, 1, pollTimeoutMillis);
        int filled = 0;
        int expected = TpmHeader.SIZE;
        while (filled < expected) {
            long n = LibC.read(callState, fd, filled == 0 ? response : response.asSlice(filled), BUFFER - filled);
            if (n > 0) {
                filled += (int) n;
                if (filled >= 6) {
                    expected = response.get(BIG_ENDIAN_INT, 2);
                }
            } else if (n == 0) {
                throw new IllegalStateException("swtpm closed the connection");
            } else {
                LibC.poll(callState, pollFd, 1, pollTimeoutMillis);
            }
        }
        return filled;
    }

    @Override
    public synchronized void close() {
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
        try {
            arena.close();
        } catch (IllegalStateException inUse) {
            // At exit the benchmark thread may still be inside a call; the process frees the memory.
        }
        if (Thread.currentThread() != cleanup) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway; closing twice is harmless.
            }
        }
    }

    private static String swtpmPath() {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        return Stream.of(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, "swtpm"))
                .filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElseThrow(() -> new IllegalStateException("swtpm is not on the PATH"));
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
