package io.tpm4j.bench;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmHeader;
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

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TPM2_Load + TPM2_Sign (ECDSA P-256) + TPM2_FlushContext of a key under an ECC SRK on {@code swtpm chardev},
 * two ways in one run: the {@link Tpm} facade ({@code load}, {@code sign}, {@code close}) and a bare loop
 * that sends the same three commands' bytes, patching only the loaded handle into the second and third.
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
// A pre-touched fixed heap: without it a short run pays a first-touch page fault (costly in a VM) for every
// new page of young generation it allocates into, which a long-running program has long since paid.
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class LoadSignFlushBenchmark {

    static byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest("benchmark".getBytes());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The SRK and a created (not loaded) signing key, ready on tpm4j's TPM. */
    @State(Scope.Benchmark)
    public static class Keys {
        TpmObject srk;
        Create.Response created;
        final byte[] digest = digest();

        @Setup(Level.Trial)
        public void create(Tpm4jSwtpm s) {
            srk = s.tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
            created = s.tpm.create(srk, Templates.eccSigningKey());
        }
    }

    /**
     * The floor: {@link BareTpm} with the three commands' bytes recorded once from tpm4j (set-up only) and
     * kept in native memory; the loop patches the handle TPM2_Load returns into Sign and FlushContext.
     */
    @State(Scope.Benchmark)
    public static class Bare {
        BareTpm bare;
        MemorySegment load;
        MemorySegment sign;
        MemorySegment flush;

        @Setup(Level.Trial)
        public void start() throws IOException {
            bare = new BareTpm(-1);
            List<byte[]> sent = new ArrayList<>();
            TpmTransport transport = bare.transport();
            Tpm tpm = Tpm.on(request -> {
                sent.add(request.clone());
                return transport.transmit(request);
            });
            tpm.startupIfNeeded();
            TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
            Create.Response created = tpm.create(srk, Templates.eccSigningKey());
            sent.clear();
            try (TpmObject key = tpm.load(srk, created)) {
                tpm.sign(key, digest());
            }
            // The last of each code: a first ECDSA signature may be answered with a warning and sent again.
            load = bare.arena.allocateFrom(ValueLayout.JAVA_BYTE, last(sent, TpmCc.LOAD));
            sign = bare.arena.allocateFrom(ValueLayout.JAVA_BYTE, last(sent, TpmCc.SIGN));
            flush = bare.arena.allocateFrom(ValueLayout.JAVA_BYTE, last(sent, TpmCc.FLUSH_CONTEXT));
            if (bareLoadSignFlush(this) != 0) {
                throw new IllegalStateException("the bare loop's commands failed");
            }
        }

        private static byte[] last(List<byte[]> sent, TpmCc code) {
            return sent.reversed().stream().filter(c -> TpmHeader.commandCode(c) == code.value()).findFirst()
                    .orElseThrow(() -> new IllegalStateException(code.specName() + " was not sent"));
        }

        @TearDown(Level.Trial)
        public void stop() {
            bare.close();
        }
    }

    @Benchmark
    public Signature tpm4jTpm(Tpm4jSwtpm s, Keys keys) {
        try (TpmObject key = s.tpm.load(keys.srk, keys.created)) {
            return s.tpm.sign(key, keys.digest);
        }
    }

    @Benchmark
    public int bareLoop(Bare s) {
        return bareLoadSignFlush(s);
    }

    /** The three round trips; returns the OR of their response codes (0 when all succeeded). */
    static int bareLoadSignFlush(Bare s) {
        BareTpm bare = s.bare;
        MemorySegment.copy(s.load, 0, bare.command, 0, s.load.byteSize());
        bare.roundTrip(s.load.byteSize());
        int failed = bare.responseCode();
        int handle = bare.response.get(BareTpm.BIG_ENDIAN_INT, 10);
        MemorySegment.copy(s.sign, 0, bare.command, 0, s.sign.byteSize());
        bare.command.set(BareTpm.BIG_ENDIAN_INT, 10, handle);
        bare.roundTrip(s.sign.byteSize());
        failed |= bare.responseCode();
        MemorySegment.copy(s.flush, 0, bare.command, 0, s.flush.byteSize());
        bare.command.set(BareTpm.BIG_ENDIAN_INT, 10, handle);
        bare.roundTrip(s.flush.byteSize());
        return failed | bare.responseCode();
    }
}
