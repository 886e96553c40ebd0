package io.tpm4j.bench.jca;

import io.tpm4j.jca.Tpm4jProvider;
import io.tpm4j.rm.RmCounters;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TPM commands and time for N ECDSA P-256 signatures ({@code SHA256withECDSA}) through the JCA, counted by tpm4j's
 * server ({@link SharedTpm#counters()}) and, by command name, in front of the TPM. Run with
 * {@code bench/run --jca-count [N]} (default 1,000). What the set-up costs (opening the provider, the login, the
 * first signature) is counted apart from the N signatures; {@value #WARM_UP} uncounted signatures before them warm
 * the JIT up; each counted signature is verified by the JDK afterwards, outside the timed loop.
 *
 * <p>Two providers, one after the other on the same {@link SharedTpm}: SunPKCS11 over tpm2-pkcs11
 * ({@link Pkcs11Baseline}), then tpm4j's provider configured with {@code "unix:" + tpm.rawSocket()}, whose set-up
 * (configure, the parent, the session, the key made by its EC KeyPairGenerator, the first signature) is counted from
 * before it is configured.
 */
public final class JcaSignCount {

    static final int WARM_UP = 200;

    private JcaSignCount() {
    }

    /** A snapshot of both counts, taken before a step. */
    record Mark(RmCounters counters, Map<String, Long> byName) {
        static Mark of(SharedTpm tpm) {
            return new Mark(tpm.counters(), tpm.commandsByName());
        }

        String since(SharedTpm tpm) {
            RmCounters spent = tpm.counters().minus(counters);
            return spent.clientCommands() + " client commands, " + spent.tpmCommands() + " TPM commands (the RM's own: "
                    + spent.contextLoads() + " context loads, " + spent.contextSaves() + " saves, " + spent.flushes()
                    + " flushes) " + CommandTally.difference(tpm.commandsByName(), byName);
        }
    }

    public static void main(String[] args) throws GeneralSecurityException {
        int signatures = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        if (signatures < 1) {
            throw new IllegalArgumentException("the number of signatures must be at least 1, not " + signatures);
        }
        try (SharedTpm tpm = SharedTpm.start()) {
            Mark beforeStore = Mark.of(tpm);
            var store = Pkcs11Baseline.createStore(tpm);
            System.out.printf("tpm2_ptool init, addtoken, addkey, addcert: %s%n", beforeStore.since(tpm));
            Mark beforeProvider = Mark.of(tpm);
            try (Pkcs11Baseline baseline = Pkcs11Baseline.open(tpm, store)) {
                measure("SunPKCS11 over tpm2-pkcs11", tpm, beforeProvider,
                        Signature.getInstance("SHA256withECDSA", baseline.provider()), baseline.privateKey(),
                        baseline.publicKey(), signatures);
            }
            Mark beforeTpm4j = Mark.of(tpm);
            try (Tpm4jProvider provider = tpm4j(tpm)) {
                KeyPair pair = tpm4jKey(provider);
                measure("tpm4j provider", tpm, beforeTpm4j, Signature.getInstance("SHA256withECDSA", provider),
                        pair.getPrivate(), pair.getPublic(), signatures);
            }
        }
    }

    /** tpm4j's provider on the shared TPM's server, raw protocol: what an application configures. */
    static Tpm4jProvider tpm4j(SharedTpm tpm) {
        return new Tpm4jProvider().configure("unix:" + tpm.rawSocket());
    }

    /** An ECDSA P-256 key made in the TPM by the provider's KeyPairGenerator (under its standard SRK). */
    static KeyPair tpm4jKey(Tpm4jProvider provider) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /**
     * Signs once (set-up, counted from {@code beforeSetUp}), {@value #WARM_UP} times uncounted, then N times counted
     * and timed, prints the figures, and verifies every counted signature with the JDK.
     */
    static void measure(String name, SharedTpm tpm, Mark beforeSetUp, Signature signature, PrivateKey key,
                        PublicKey publicKey, int signatures) throws GeneralSecurityException {
        signature.initSign(key);
        requireVerifies(JcaSignBenchmark.signOnce(signature), publicKey);
        System.out.printf("%s%n  set-up (provider, login, key, first signature): %s%n", name, beforeSetUp.since(tpm));
        for (int i = 0; i < WARM_UP; i++) {
            JcaSignBenchmark.signOnce(signature);
        }
        List<byte[]> made = new ArrayList<>(signatures);
        RmCounters before = tpm.counters();
        Mark counted = Mark.of(tpm);
        long atTpm = tpm.nanosAtTpm();
        long start = System.nanoTime();
        for (int i = 0; i < signatures; i++) {
            made.add(JcaSignBenchmark.signOnce(signature));
        }
        long nanos = System.nanoTime() - start;
        atTpm = tpm.nanosAtTpm() - atTpm;
        RmCounters spent = tpm.counters().minus(before);
        System.out.printf("  %,d signatures: %s%n", signatures, counted.since(tpm));
        System.out.printf("  per signature: %.3f TPM commands, %.3f client commands, %.3f ms, of which %.3f ms at "
                        + "the TPM%n", (double) spent.tpmCommands() / signatures,
                (double) spent.clientCommands() / signatures, nanos / 1e6 / signatures, atTpm / 1e6 / signatures);
        for (byte[] each : made) {
            requireVerifies(each, publicKey);
        }
        System.out.printf("  all %,d verified by SunEC%n", signatures);
    }

    /** Verifies a signature of {@link JcaSignBenchmark#MESSAGE} with the JDK's own provider, or throws. */
    static void requireVerifies(byte[] signature, PublicKey publicKey) throws GeneralSecurityException {
        Signature verifier = Signature.getInstance("SHA256withECDSA", "SunEC");
        verifier.initVerify(publicKey);
        verifier.update(JcaSignBenchmark.MESSAGE);
        if (!verifier.verify(signature)) {
            throw new IllegalStateException("a signature does not verify with the JDK");
        }
    }
}
