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

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmRh;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.concurrent.TimeUnit;

/**
 * One ECDSA P-256 signature ({@code SHA256withECDSA}, DER output) of the same message, per way of reaching the TPM,
 * all on the one swtpm of {@link SameTpm} (behind tpm4j's RM and server) in the same run (issue 17's comparison):
 * <ul>
 *   <li>{@link #signTpm4jProvider}: {@code Signature.sign} through the tpm4j provider, configured with
 *       {@code "unix:" + rawSocket()} (the server's raw socket), the key made by the provider's EC KeyPairGenerator;</li>
 *   <li>{@link #signTpmFacade}: the floor, tpm4j's facade on its own connection to the same socket: SHA-256 of the
 *       message, {@code Tpm.sign} (an empty password in the clear-text password session), the signature
 *       DER-encoded as the JCA gives it: the provider's work without the JCA and without the salted HMAC session
 *       that binds each key use to the key's Name;</li>
 *   <li>{@link #signSunPkcs11Tpm2Pkcs11}: the baseline, SunPKCS11 over tpm2-pkcs11, which reaches the TPM through
 *       the same server with tpm2-tss's mssim TCTI.</li>
 * </ul>
 * Targets: provider / facade at most 1.10, provider / baseline at most 0.5 ({@code bench/run --rounds N
 * --floor signTpmFacade JcaSignBenchmark} gives the ratios per round). The TPM commands per signature are counted
 * by {@link JcaSignCount} ({@code bench/run --jca-count}).
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

    /** tpm4j's provider on the server's raw socket, its EC key generated through it, its Signature initialised. */
    @State(Scope.Benchmark)
    public static class Tpm4jProvider {
        io.tpm4j.jca.Tpm4jProvider provider;
        Signature signature;

        @Setup(Level.Trial)
        public void start(SameTpm tpm) throws GeneralSecurityException {
            provider = JcaSignCount.tpm4j(tpm.shared);
            KeyPair pair = JcaSignCount.tpm4jKey(provider);
            signature = Signature.getInstance("SHA256withECDSA", provider);
            signature.initSign(pair.getPrivate());
            // The first signature loads the key; checked by the JDK as the baseline's.
            JcaSignCount.requireVerifies(signOnce(signature), pair.getPublic());
        }

        @TearDown(Level.Trial)
        public void stop() {
            provider.close();
        }
    }

    @Benchmark
    public byte[] signTpm4jProvider(Tpm4jProvider s) throws GeneralSecurityException {
        return signOnce(s.signature);
    }

    /** tpm4j's facade on its own connection to the server's raw socket, with a loaded ECDSA P-256 signing key. */
    @State(Scope.Benchmark)
    public static class TpmFacade {
        Tpm tpm;
        TpmObject key;
        MessageDigest sha256;

        @Setup(Level.Trial)
        public void start(SameTpm shared) throws GeneralSecurityException {
            tpm = Tpm.on(SocketTransport.connectUnix(shared.shared.rawSocket(), CommandTimeouts.kernelDefaults()));
            key = tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
            sha256 = MessageDigest.getInstance("SHA-256");
            JcaSignCount.requireVerifies(facadeSignOnce(this), PublicKeys.toPublicKey(key.publicArea()));
        }

        @TearDown(Level.Trial)
        public void stop() {
            key.close();
            tpm.close();
        }
    }

    @Benchmark
    public byte[] signTpmFacade(TpmFacade s) {
        return facadeSignOnce(s);
    }

    static byte[] facadeSignOnce(TpmFacade s) {
        return Signatures.toJca(s.tpm.sign(s.key, s.sha256.digest(MESSAGE)));
    }

    static byte[] signOnce(Signature signature) throws GeneralSecurityException {
        signature.update(MESSAGE);
        return signature.sign();
    }
}
