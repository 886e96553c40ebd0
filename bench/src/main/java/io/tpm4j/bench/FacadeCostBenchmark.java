package io.tpm4j.bench;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.ffi.Swtpm;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What one facade call costs with parameter encryption on (the default) and off: the time per call, and the
 * TPM commands it sends, counted at the transport. Each trial has its own {@code swtpm chardev}; the SRK, the
 * key and the NV index are made once per trial, so a measured call is the steady state (whatever the facade
 * sets up on first use is set up during warm-up). Public API only.
 *
 * <p>The auxiliary counters {@code tpmCommands} and {@code calls} are totals over the measurement iterations;
 * their ratio, and the commands by code, are also printed when the trial ends.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// A pre-touched fixed heap, as in the other round-trip benchmarks (see LoadSignFlushBenchmark).
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class FacadeCostBenchmark {

    private static final int NV_INDEX = 0x01500030;
    private static final int PCR = 16;

    /** One swtpm, a facade on it over a counting transport, and the call under measurement. */
    @State(Scope.Benchmark)
    public static class Facade {
        @Param({"hmac", "encrypt", "decrypt", "rsaDecrypt", "nvWrite", "nvRead", "seal", "unseal", "sign"})
        public String operation;
        @Param({"on", "off"})
        public String encryption;

        /** TPM commands sent, by command code; read and written by the one benchmark thread only. */
        final Map<Integer, Long> sent = new TreeMap<>();
        long transmitted;
        Supplier<Object> call;

        private Swtpm swtpm;
        private Tpm owner;
        private TpmObject srk;
        private TpmObject key;
        private boolean nvDefined;

        @Setup(Level.Trial)
        public void start() {
            swtpm = Swtpm.startChardev();
            TpmTransport device = swtpm.transport();
            owner = Tpm.on(command -> {
                transmitted++;
                sent.merge(TpmHeader.commandCode(command), 1L, Long::sum);
                return device.transmit(command);
            });
            owner.startupIfNeeded();
            Tpm tpm = encryption.equals("on") ? owner : owner.withoutParameterEncryption();
            srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
            call = prepare(tpm);
            Object first = call.get(); // also checks the call works before anything is measured
            if (first == null && !operation.equals("nvWrite")) {
                throw new IllegalStateException(operation + " returned nothing");
            }
        }

        private Supplier<Object> prepare(Tpm tpm) {
            byte[] small = "sixteen byte msg".getBytes();
            byte[] iv = new byte[16];
            return switch (operation) {
                case "hmac" -> {
                    key = tpm.load(srk, tpm.create(srk, Templates.hmacKey()));
                    yield () -> tpm.hmac(key, small);
                }
                case "encrypt" -> {
                    key = tpm.load(srk, tpm.create(srk, Templates.aesCfbKey(128)));
                    yield () -> tpm.encrypt(key, iv, new byte[32]);
                }
                case "decrypt" -> {
                    key = tpm.load(srk, tpm.create(srk, Templates.aesCfbKey(128)));
                    byte[] plain = new byte[32];
                    Arrays.fill(plain, (byte) 7);
                    byte[] cipherText = tpm.encrypt(key, iv, plain);
                    yield () -> expect(plain, tpm.decrypt(key, iv, cipherText));
                }
                case "rsaDecrypt" -> {
                    key = tpm.load(srk, tpm.create(srk, Templates.rsaDecryptionKey()));
                    byte[] cipherText = tpm.rsaEncrypt(key, small);
                    yield () -> expect(small, tpm.rsaDecrypt(key, cipherText));
                }
                case "nvWrite", "nvRead" -> {
                    tpm.nvDefine(new NvPublic(NV_INDEX, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY,
                            NvAttributes.AUTHWRITE, NvAttributes.AUTHREAD, NvAttributes.NO_DA), new byte[0], 64),
                            new byte[0]);
                    nvDefined = true;
                    Authorization index = Authorization.emptyPassword();
                    byte[] data = new byte[64];
                    Arrays.fill(data, (byte) 5);
                    tpm.nvWrite(NV_INDEX, index, data);
                    yield operation.equals("nvWrite")
                            ? () -> { tpm.nvWrite(NV_INDEX, index, data); return null; }
                            : () -> expect(data, tpm.nvRead(NV_INDEX, index));
                }
                case "seal" -> {
                    PolicyDigest policy = pcrPolicy(tpm);
                    yield () -> tpm.seal(srk, small, policy);
                }
                case "unseal" -> {
                    Create.Response sealed = tpm.seal(srk, small, pcrPolicy(tpm));
                    yield () -> expect(small, tpm.unseal(srk, sealed, session -> tpm.execute(
                            new PolicyPcr(session.handle(), new byte[0], List.of(PcrSelection.of(TpmAlg.SHA256, PCR))))));
                }
                case "sign" -> {
                    key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()));
                    byte[] digest = new byte[32];
                    yield () -> tpm.sign(key, digest);
                }
                default -> throw new IllegalArgumentException("unknown operation " + operation);
            };
        }

        private static PolicyDigest pcrPolicy(Tpm tpm) {
            return PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256, Map.of(PCR, tpm.pcrValues(TpmAlg.SHA256, PCR)
                    .get(PCR)));
        }

        private static byte[] expect(byte[] expected, byte[] actual) {
            if (!Arrays.equals(expected, actual)) {
                throw new IllegalStateException("the TPM returned other bytes than expected");
            }
            return actual;
        }

        @TearDown(Level.Trial)
        public void stop() {
            try {
                if (key != null) {
                    key.close();
                }
                if (srk != null) {
                    srk.close();
                }
                if (nvDefined) {
                    owner.nvUndefine(NV_INDEX);
                }
                owner.close(); // flushes whatever sessions the facade keeps
            } finally {
                swtpm.close();
            }
        }
    }

    /** TPM commands and calls in the measured iterations, as JMH events; printed per trial as a ratio. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Commands {
        public long tpmCommands;
        public long calls;
        private Map<Integer, Long> before;
        private long measuredCommands;
        private long measuredCalls;
        private final Map<Integer, Long> measuredByCode = new TreeMap<>();

        @Setup(Level.Iteration)
        public void reset(Facade facade) {
            tpmCommands = 0;
            calls = 0;
            before = new TreeMap<>(facade.sent);
        }

        @TearDown(Level.Iteration)
        public void tally(Facade facade, IterationParams iteration) {
            if (iteration.getType() == IterationType.MEASUREMENT) {
                measuredCommands += tpmCommands;
                measuredCalls += calls;
                facade.sent.forEach((code, n) -> measuredByCode.merge(code, n - before.getOrDefault(code, 0L), Long::sum));
            }
        }

        @TearDown(Level.Trial)
        public void report(Facade facade) {
            StringBuilder byCode = new StringBuilder();
            measuredByCode.forEach((code, n) -> {
                if (n > 0) {
                    byCode.append(String.format("%n    %.3f x %s", (double) n / measuredCalls, TpmCc.describe(code)));
                }
            });
            System.out.printf("%nFacadeCostBenchmark %s, encryption %s: %.3f TPM commands per call (%d in %d calls)%s%n",
                    facade.operation, facade.encryption, (double) measuredCommands / measuredCalls, measuredCommands,
                    measuredCalls, byCode);
        }
    }

    @Benchmark
    public Object call(Facade facade, Commands commands) {
        long before = facade.transmitted;
        Object result = facade.call.get();
        commands.tpmCommands += facade.transmitted - before;
        commands.calls++;
        return result;
    }
}
