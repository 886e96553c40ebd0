package io.tpm4j.bench.jca;

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

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.concurrent.TimeUnit;

/**
 * One ECDSA P-256 signature ({@code SHA256withECDSA}, DER output) of the same message through the JCA, per way
 * of reaching the TPM, all on the one swtpm of {@link SameTpm} in the same run (issue 17's comparison).
 *
 * <p>Now: {@link #signSunPkcs11Tpm2Pkcs11}, the baseline (SunPKCS11 over tpm2-pkcs11, which reaches the TPM
 * through tpm4j's server with tpm2-tss's mssim TCTI).
 *
 * <p>TO ADD with the tpm4j provider, as sibling {@code @Benchmark} methods of this class, each with a
 * {@code @State(Scope.Benchmark)} class whose {@code @Setup(Level.Trial)} takes {@link SameTpm} (as
 * {@link SunPkcs11} does) and whose Signature is initialised once:
 * <ul>
 *   <li>{@code signTpm4jProvider}: {@code Signature.getInstance("SHA256withECDSA", tpm4j)} where {@code tpm4j} is
 *       the provider configured with {@code "unix:" + tpm.shared.rawSocket()} (the same server, its raw socket),
 *       the key made by the provider's EC KeyPairGenerator;</li>
 *   <li>{@code signTpmFacade}: {@code Tpm.sign} on a {@code SocketTransport.connectUnix(rawSocket())}, the floor.</li>
 * </ul>
 * Targets: provider / facade at most 1.10, provider / this baseline at most 0.5 ({@code bench/run --rounds N
 * --floor signTpmFacade JcaSignBenchmark} gives the ratios per round). The TPM commands per signature are counted
 * by {@link JcaSignCount} ({@code bench/run --jca-count}), which has the matching place for the provider.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class JcaSignBenchmark {

    static final byte[] MESSAGE = "issue 17: one ECDSA P-256 signature through the JCA".getBytes(StandardCharsets.UTF_8);

    /** The swtpm, RM and server every side of the comparison uses. */
    @State(Scope.Benchmark)
    public static class SameTpm {
        SharedTpm shared;

        @Setup(Level.Trial)
        public void start() {
            shared = SharedTpm.start();
        }

        @TearDown(Level.Trial)
        public void stop() {
            shared.close();
        }
    }

    /** The baseline: SunPKCS11 over tpm2-pkcs11, logged in, its Signature initialised with the TPM key. */
    @State(Scope.Benchmark)
    public static class SunPkcs11 {
        Pkcs11Baseline baseline;
        Signature signature;

        @Setup(Level.Trial)
        public void start(SameTpm tpm) throws GeneralSecurityException {
            baseline = Pkcs11Baseline.start(tpm.shared);
            signature = Signature.getInstance("SHA256withECDSA", baseline.provider());
            signature.initSign(baseline.privateKey());
            // The first signature loads the key into the TPM; it is also checked here, by the JDK.
            JcaSignCount.requireVerifies(signOnce(signature), baseline.publicKey());
        }

        @TearDown(Level.Trial)
        public void stop() {
            baseline.close();
        }
    }

    @Benchmark
    public byte[] signSunPkcs11Tpm2Pkcs11(SunPkcs11 s) throws GeneralSecurityException {
        return signOnce(s.signature);
    }

    // The tpm4j provider's and the facade's @Benchmark methods go here (see the class comment).

    static byte[] signOnce(Signature signature) throws GeneralSecurityException {
        signature.update(MESSAGE);
        return signature.sign();
    }
}
