package io.tpm4j.bench.rm;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * TPM2_GetRandom(8) through a space of tpm4j's RM against the same bytes straight on the chip's device, each on
 * its own swtpm chardev (set up as for {@link RmSignBenchmark}), one client: what taking the chip's turn and the
 * RM's work cost on the shortest command.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RmGetRandomBenchmark {

    private static final byte[] GET_RANDOM_8 = {(byte) 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7B, 0, 8};

    @Benchmark
    public byte[] getRandomThroughSpace(RmSignBenchmark.ThroughSpace s) {
        return s.space.transmit(GET_RANDOM_8);
    }

    @Benchmark
    public byte[] getRandomOnChip(RmSignBenchmark.OnChip s) {
        return s.swtpm.transport().transmit(GET_RANDOM_8);
    }
}
