package io.tpm4j.bench.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmRh;
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
 * (b) TPM2_Sign (ECDSA P-256, loaded key, password authorisation) through a space of tpm4j's RM against the
 * same call straight on the chip's device, each on its own swtpm chardev, in the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RmSignBenchmark {

    private static final byte[] DIGEST = RmChip.digest("sign");

    @State(Scope.Benchmark)
    public static class ThroughSpace {
        RmChip rm;
        Space space;
        Tpm tpm;
        TpmObject key;

        @Setup(Level.Trial)
        public void start() {
            rm = new RmChip(ResourceManager.Options.defaults());
            space = rm.rm.openSpace("bench");
            tpm = Tpm.on(space);
            key = tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
            RmChip.warmUp(tpm, key);
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
        Tpm tpm;
        TpmObject key;

        @Setup(Level.Trial)
        public void start() {
            swtpm = Swtpm.startChardev();
            tpm = Tpm.on(swtpm.transport());
            tpm.startupIfNeeded();
            key = tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
            RmChip.warmUp(tpm, key);
        }

        @TearDown(Level.Trial)
        public void stop() {
            swtpm.close();
        }
    }

    @Benchmark
    public Signature signThroughSpace(ThroughSpace s) {
        return s.tpm.sign(s.key, DIGEST);
    }

    @Benchmark
    public Signature signOnChip(OnChip s) {
        return s.tpm.sign(s.key, DIGEST);
    }
}
