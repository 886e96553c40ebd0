package io.tpm4j.jca;

import io.tpm4j.api.types.TpmPt;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 32 threads sign with 8 TPM keys through one provider on a TPM with 3 object slots: every signature verifies, the
 * TPM sees one TPM2_Sign per signature plus only what loading each key once, growing the salted-session pool once
 * and the RM's swapping need, and nothing
 * is left loaded (checked after the test).
 */
class ConcurrencyTest extends WithProvider {

    private static final int THREADS = 32;
    private static final int KEYS = 8;
    private static final int SIGNATURES_PER_THREAD = 20;

    @Test
    void thirtyTwoThreadsSignWithEightKeysOnThreeSlots() throws Exception {
        assertEquals(3, raw.allProperties().get(TpmPt.HR_TRANSIENT_MIN.value()), "swtpm's object slots");
        List<KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys.add(ec("P-256"));
        }
        atTpm.reset();
        io.tpm4j.rm.RmCounters before = rm.counters();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                KeyPair pair = keys.get(thread % KEYS);
                Signature signer = Signature.getInstance("SHA256withECDSA", provider);
                signer.initSign(pair.getPrivate());
                Signature verifier = Signature.getInstance("SHA256withECDSA", "SunEC");
                verifier.initVerify(pair.getPublic());
                int verified = 0;
                for (int i = 0; i < SIGNATURES_PER_THREAD; i++) {
                    byte[] message = ("thread " + thread + " message " + i).getBytes(StandardCharsets.UTF_8);
                    signer.update(message);
                    byte[] signature = signer.sign();
                    verifier.update(message);
                    verified += verifier.verify(signature) ? 1 : 0;
                }
                return verified;
            }));
        }
        int verified = 0;
        for (Future<Integer> f : results) {
            verified += f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertEquals(THREADS * SIGNATURES_PER_THREAD, verified, "every signature verifies with SunEC");

        Map<String, Long> counts = atTpm.byCode();
        io.tpm4j.rm.RmCounters spent = rm.counters().minus(before);
        long signatures = (long) THREADS * SIGNATURES_PER_THREAD;
        // Each signature runs in one of the provider's salted sessions; under 32 threads their number grows from the
        // one the key creations started to the provider's bound, once.
        long sessionsStarted = counts.getOrDefault("TPM2_StartAuthSession", 0L);
        assertTrue(sessionsStarted <= TpmConnection.SESSIONS - 1, "salted sessions started: " + sessionsStarted);
        assertEquals(signatures + KEYS + sessionsStarted, spent.clientCommands(), "the provider sent one TPM2_Sign "
                + "per signature, one TPM2_Load per key and the sessions' starts, nothing else");
        assertEquals((long) KEYS, counts.get("TPM2_Load"), "each key loaded once");
        // Beyond those, the RM's context saves, loads and flushes are the swapping's cost (and a command the TPM
        // asked to have sent again, counted apart).
        assertEquals(spent.tpmCommands(), atTpm.total());
        assertEquals(signatures, counts.get("TPM2_Sign"), "one TPM2_Sign per signature at the TPM");
        assertTrue(Set.of("TPM2_Sign", "TPM2_Load", "TPM2_StartAuthSession", "TPM2_ContextSave", "TPM2_ContextLoad",
                        "TPM2_FlushContext")
                .containsAll(counts.keySet()), "only signing, loading and the RM's swapping reached the TPM: " + counts);
        System.out.println("32 threads x 8 keys on 3 slots, commands at the TPM: " + counts + ", sent again " + atTpm.sentAgain() + "; RM: " + spent);
    }
}
