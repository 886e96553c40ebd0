package io.tpm4j.bench;

import io.tpm4j.api.Tpm;
import io.tpm4j.ffi.LinuxTpmDevice;
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
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

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
// A pre-touched fixed heap: without it a short run pays a first-touch page fault (costly in a VM) for every
// new page of young generation it allocates into, which a long-running program has long since paid.
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class GetRandomBenchmark {

    /** TPM2_GetRandom(bytesRequested = 16): TPM_ST_NO_SESSIONS, size 12, TPM_CC_GetRandom (0x17B). */
    static final byte[] GET_RANDOM_16 = {
            (byte) 0x80, 0x01, 0x00, 0x00, 0x00, 0x0C, 0x00, 0x00, 0x01, 0x7B, 0x00, 0x10};

    /** The floor: {@link BareTpm} with GET_RANDOM_16 in its command buffer. */
    @State(Scope.Benchmark)
    public static class Bare {
        /**
         * The poll timeout of the bare loop: -1 (none) by default; {@code -p pollTimeoutMillis=3000} gives it
         * the finite timeout that LinuxTpmDevice passes for GetRandom, to see what arming that timer costs.
         */
        @Param("-1")
        int pollTimeoutMillis;
        BareTpm bare;

        @Setup(Level.Trial)
        public void start() throws IOException {
            bare = new BareTpm(pollTimeoutMillis);
            Tpm.on(bare.transport()).startupIfNeeded();
            MemorySegment.copy(GET_RANDOM_16, 0, bare.command, ValueLayout.JAVA_BYTE, 0, GET_RANDOM_16.length);
            int size = bare.roundTrip(GET_RANDOM_16.length);
            if (size != 28 || bare.responseCode() != 0) {
                throw new IllegalStateException("unexpected GetRandom response of " + size + " bytes");
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            bare.close();
        }
    }

    @Benchmark
    public byte[] tpm4jDevice(Tpm4jSwtpm s) {
        return s.device.transmit(GET_RANDOM_16);
    }

    @Benchmark
    public byte[] tpm4jTpm(Tpm4jSwtpm s) {
        return s.tpm.getRandom(16);
    }

    @Benchmark
    public int bareLoop(Bare s) {
        return s.bare.roundTrip(GET_RANDOM_16.length);
    }

}
