package io.tpm4j.bench;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.Swtpm;

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
import java.util.stream.Stream;

/**
 * The floor the benchmarks compare against: a swtpm chardev spawned the way {@link Swtpm#startChardev()} does
 * it, driven with nothing but preallocated native memory and the three system calls, bound in {@link BareLibC}.
 * No lock, no deadline, no validation, no copy, no allocation per round trip.
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
    private int pid;
    private Path dir;
    private final Thread cleanup;

    /** @param pollTimeoutMillis the poll timeout of the loop: -1 for none */
    BareTpm(int pollTimeoutMillis) throws IOException {
        this.pollTimeoutMillis = pollTimeoutMillis;
        dir = Files.createTempDirectory("tpm4j-bench-swtpm-");
        cleanup = new Thread(this::close, "tpm4j-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int[] pair = BareLibC.socketPair();
        fd = pair[0];
        try {
            pid = BareLibC.spawn(List.of(swtpmPath(), "chardev", "--tpm2", "--fd", "3",
                    "--tpmstate", "dir=" + dir, "--flags", "not-need-init"), 3, pair[1], dir.resolve("swtpm.out"));
        } finally {
            BareLibC.close(pair[1]);
        }
        arena = Arena.ofShared();
        callState = BareLibC.callState(arena);
        command = arena.allocate(BUFFER);
        response = arena.allocate(BUFFER);
        pollFd = arena.allocate(BareLibC.POLLFD);
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, BareLibC.POLLFD_EVENTS, BareLibC.POLLIN);
        // Same descriptor flags as the device gets from LinuxTpmDevice.wrap with the default options.
        BareLibC.setNonBlocking(fd);
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
        // The floor checks nothing it need not: write's and poll's results go unread (a read that finds
        // nothing yet polls again).
        try {
            long written = (long) BareLibC.WRITE.invokeExact(callState, fd, command, length);
            int polled = (int) BareLibC.POLL.invokeExact(callState, pollFd, 1L, pollTimeoutMillis);
            int filled = 0;
            int expected = TpmHeader.SIZE;
            while (filled < expected) {
                MemorySegment into = filled == 0 ? response : response.asSlice(filled);
                long n = (long) BareLibC.READ.invokeExact(callState, fd, into, (long) (BUFFER - filled));
                if (n > 0) {
                    filled += (int) n;
                    if (filled >= 6) {
                        expected = response.get(BIG_ENDIAN_INT, 2);
                    }
                } else if (n == 0) {
                    throw new IllegalStateException("swtpm closed the connection");
                } else {
                    polled = (int) BareLibC.POLL.invokeExact(callState, pollFd, 1L, pollTimeoutMillis);
                }
            }
            return filled;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("a native call failed", t);
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            BareLibC.close(fd);
            fd = -1;
        }
        if (pid > 0) {
            BareLibC.terminate(pid, Duration.ofSeconds(2));
            pid = 0;
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
