package io.tpm4j.bench.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.rm.RmCounters;
import io.tpm4j.rm.Space;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * (c) Eight threads, each with its own space holding four ECC keys, sign in turn with their keys on a TPM with
 * three object slots: 32 keys contend for 3 slots. Throughput, and TPM commands per client command, of lazy
 * swapping against the kernel's eager policy.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(8)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RmContentionBenchmark {

    private static final int KEYS = 4;
    private static final byte[] DIGEST = RmChip.digest("contention");

    @State(Scope.Benchmark)
    public static class Chip {
        @Param({"LAZY", "EAGER"})
        public String swapping;
        RmChip rm;

        @Setup(Level.Trial)
        public void start() {
            rm = new RmChip(RmChip.options(swapping));
        }

        @TearDown(Level.Trial)
        public void stop() {
            rm.close();
        }
    }

    @State(Scope.Thread)
    public static class Client {
        Space space;
        Tpm tpm;
        final List<TpmObject> keys = new ArrayList<>();
        int next;

        @Setup(Level.Trial)
        public void open(Chip chip) {
            space = chip.rm.rm.openSpace("contender");
            tpm = Tpm.on(space);
            for (int i = 0; i < KEYS; i++) {
                TpmObject key = tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
                RmChip.warmUp(tpm, key);
                keys.add(key);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            space.close();
        }
    }

    @Benchmark
    public Signature signRoundRobin(Client client, CommandCounts commands) {
        RmCounters before = client.space.counters();
        Signature signature = client.tpm.sign(client.keys.get(client.next++ % KEYS), DIGEST);
        RmCounters spent = client.space.counters().minus(before);
        commands.add(spent);
        return signature;
    }
}
