package io.tpm4j.bench;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.CreatePrimary;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetCapability;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.commands.Load;
import io.tpm4j.api.commands.PcrRead;
import io.tpm4j.api.commands.Quote;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.ffi.Swtpm;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What tpm4j itself costs per command, without the TPM: {@code Tpm.execute} framing the command (header,
 * handles, authorisation area, parameters) and parsing a real swtpm response to it into the response record.
 * The responses are recorded from swtpm once at set-up; each operation answers from memory.
 * {@code bench/run -prof gc MarshalBenchmark} adds the allocation per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
// A pre-touched fixed heap, as in the round-trip benchmarks.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class MarshalBenchmark {

    /** A command with the TPM that answers it from memory. */
    record Canned<R>(TpmCommand<R> command, Tpm tpm) {
        R run() {
            return tpm.execute(command);
        }
    }

    @State(Scope.Benchmark)
    public static class Recorded {
        Canned<GetRandom.Response> getRandom;
        Canned<PcrRead.Response> pcrRead;
        Canned<GetCapability.Response> getCapability;
        Canned<CreatePrimary.Response> createPrimary;
        Canned<Load.Response> load;
        Canned<Sign.Response> sign;
        Canned<SignedAttest> quote;

        @Setup(Level.Trial)
        public void record() {
            byte[][] last = new byte[1][];
            try (Swtpm swtpm = Swtpm.startChardev()) {
                Tpm tpm = Tpm.on(request -> last[0] = swtpm.transport().transmit(request));
                tpm.startupIfNeeded();
                Authorization empty = Authorization.emptyPassword();
                getRandom = canned(tpm, last, new GetRandom(16));
                pcrRead = canned(tpm, last, new PcrRead(List.of(PcrSelection.of(TpmAlg.SHA256, 0, 1, 2, 3, 4, 5, 6, 7))));
                getCapability = canned(tpm, last, new GetCapability(TpmCap.TPM_PROPERTIES, TpmPt.PT_FIXED, 64));
                createPrimary = canned(tpm, last, new CreatePrimary(TpmRh.OWNER, empty, SensitiveCreate.EMPTY,
                        Templates.srkEccP256(), new byte[0], List.of()));
                int srk = createPrimary.run().objectHandle();
                Create.Response created = tpm.execute(new Create(srk, empty, SensitiveCreate.EMPTY,
                        Templates.eccSigningKey(), new byte[0], List.of()));
                load = canned(tpm, last, new Load(srk, empty, created.outPrivate(), created.outPublic()));
                int key = load.run().objectHandle();
                sign = canned(tpm, last, new Sign(key, empty, LoadSignFlushBenchmark.digest(), Scheme.NULL,
                        Sign.nullTicket()));
                Create.Response ak = tpm.execute(new Create(srk, empty, SensitiveCreate.EMPTY,
                        Templates.eccAttestationKey(), new byte[0], List.of()));
                tpm.execute(new FlushContext(key));
                int akHandle = tpm.execute(new Load(srk, empty, ak.outPrivate(), ak.outPublic())).objectHandle();
                quote = canned(tpm, last, new Quote(akHandle, empty, new byte[16], Scheme.NULL,
                        List.of(PcrSelection.of(TpmAlg.SHA256, 0, 7))));
            }
        }

        /** Runs {@code command} on the TPM once and keeps its response for a TPM that answers from memory. */
        private static <R> Canned<R> canned(Tpm tpm, byte[][] last, TpmCommand<R> command) {
            tpm.execute(command);
            byte[] response = last[0];
            return new Canned<>(command, Tpm.on(request -> response));
        }
    }

    @Benchmark
    public GetRandom.Response getRandom(Recorded r) {
        return r.getRandom.run();
    }

    @Benchmark
    public PcrRead.Response pcrRead(Recorded r) {
        return r.pcrRead.run();
    }

    @Benchmark
    public GetCapability.Response getCapability(Recorded r) {
        return r.getCapability.run();
    }

    @Benchmark
    public CreatePrimary.Response createPrimary(Recorded r) {
        return r.createPrimary.run();
    }

    @Benchmark
    public Load.Response load(Recorded r) {
        return r.load.run();
    }

    @Benchmark
    public Sign.Response sign(Recorded r) {
        return r.sign.run();
    }

    @Benchmark
    public SignedAttest quote(Recorded r) {
        return r.quote.run();
    }
}
