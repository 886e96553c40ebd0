package io.tpm4j.bench.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * (a) What the RM costs the TPM: one operation is a client's whole job in a fresh space, TPM2_CreatePrimary
 * (SRK), TPM2_Create, TPM2_Load, then 100 TPM2_Sign, with password authorisation or an HMAC session, and the
 * space's close. The auxiliary counters report client commands and TPM commands at the same rate, so their
 * ratio is the TPM commands per client command; lazy swapping against the kernel's eager policy.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RmCommandCountBenchmark {

    private static final int SIGNATURES = 100;

    @State(Scope.Benchmark)
    public static class Chip {
        @Param({"LAZY", "EAGER"})
        public String swapping;
        @Param({"password", "hmacSession"})
        public String auth;
        RmChip rm;

        @Setup(Level.Trial)
        public void start() {
            rm = new RmChip(RmChip.options(swapping));
            try (Space space = rm.rm.openSpace("warm-up"); TpmObject key = Tpm.on(space).createPrimary(TpmRh.OWNER,
                    Templates.eccSigningKey())) {
                RmChip.warmUp(Tpm.on(space), key);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            rm.close();
        }
    }

    @Benchmark
    public long createLoadAndSign100(Chip chip, CommandCounts commands) {
        byte[] digest = RmChip.digest("count");
        try (Space space = chip.rm.rm.openSpace("client")) {
            Tpm tpm = Tpm.on(space);
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
                 TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()))) {
                if (chip.auth.equals("password")) {
                    for (int i = 0; i < SIGNATURES; i++) {
                        tpm.sign(key, digest);
                    }
                } else {
                    try (AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256))) {
                        for (int i = 0; i < SIGNATURES; i++) {
                            tpm.execute(new Sign(key.handle(), Authorization.session(session, new byte[0]).forEntity(key.name()), digest,
                                    Scheme.NULL, Sign.nullTicket()));
                        }
                    }
                }
            }
            RmCounters spent = space.counters();
            commands.add(spent);
            return spent.tpmCommands();
        }
    }
}
