package io.tpm4j.bench.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.Space;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * TPM2_GetRandom(8) through a space of tpm4j's RM against the same bytes straight on the chip's device, each on
 * its own swtpm chardev, one client: what taking the chip's turn and the RM's work cost on the shortest command.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RmGetRandomBenchmark {

    private static final byte[] GET_RANDOM_8 = {(byte) 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7B, 0, 8};

    @State(Scope.Benchmark)
    public static class ThroughSpace {
        RmChip rm;
        Space space;

        @Setup(Level.Trial)
        public void start() {
            rm = new RmChip(ResourceManager.Options.defaults());
            space = rm.rm.openSpace("bench");
        }

        @TearDown(Level.Trial)
        public void stop() {
            space.close();
            rm.close();
        }
    }

    @State(Scope.Benchmark)
    public static class OnChip {
        Swtpm swtpm;
        TpmTransport device;

        @Setup(Level.Trial)
        public void start() {
            swtpm = Swtpm.startChardev();
            device = swtpm.transport();
            Tpm.on(device).startupIfNeeded();
        }

        @TearDown(Level.Trial)
        public void stop() {
            swtpm.close();
        }
    }

    @Benchmark
    public byte[] getRandomThroughSpace(ThroughSpace s) {
        return s.space.transmit(GET_RANDOM_8);
    }

    @Benchmark
    public byte[] getRandomOnChip(OnChip s) {
        return s.device.transmit(GET_RANDOM_8);
    }
}
