package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Twenty spaces, each with five keys and two sessions, on a TPM with three object and three session slots. */
class SharingTest extends WithResourceManager {

    private static final int SPACES = 20;
    private static final int KEYS = 5;
    private static final int ROUNDS = 6;

    @Test
    void twentySpacesWithFiveKeysAndTwoSessionsEachSignCorrectlyInParallel() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SPACES);
        CountDownLatch ready = new CountDownLatch(SPACES);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int s = 0; s < SPACES; s++) {
                int id = s;
                results.add(pool.submit(() -> {
                    try (Space space = rm.openSpace("signer-" + id)) {
                        return signInOneSpace(space, id, ready);
                    } catch (Throwable t) {
                        failures.add(t);
                        ready.countDown();
                        throw t;
                    }
                }));
            }
            int signatures = 0;
            for (Future<Integer> result : results) {
                try {
                    signatures += result.get(5, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException e) {
                    // Collected below with the others.
                }
            }
            if (!failures.isEmpty()) {
                AssertionError error = new AssertionError(failures.size() + " spaces failed; first: " + failures.peek());
                failures.forEach(error::addSuppressed);
                throw error;
            }
            assertEquals(SPACES * KEYS * ROUNDS * 2, signatures);
            RmCounters all = rm.counters();
            assertTrue(all.contextSaves() > 0 && all.contextLoads() > 0, "the keys really were swapped: " + all);
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
        }
        assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT));
    }

    private static int signInOneSpace(Space space, int id, CountDownLatch ready) throws InterruptedException {
        Tpm tpm = Tpm.on(space);
        List<TpmObject> keys = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            keys.add(RmTesting.newSigningKey(tpm));
        }
        AuthSession first = tpm.startSession(Session.hmac(TpmAlg.SHA256));
        AuthSession second = tpm.startSession(Session.hmac(TpmAlg.SHA256));
        ready.countDown();
        ready.await(2, TimeUnit.MINUTES);
        int signatures = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (TpmObject key : keys) {
                for (AuthSession session : List.of(first, second)) {
                    String message = "space " + id + " round " + round + " key " + key.handle();
                    // Sign.Response is the signature; any TPM_RC_OBJECT_MEMORY would be thrown here.
                    Signature signature = tpm.execute(new Sign(key.handle(), Authorization.session(session,
                            new byte[0]).forEntity(key.name()), RmTesting.sha256(message), Scheme.NULL, Sign.nullTicket())).signature();
                    assertTrue(Signatures.verify(PublicKeys.toPublicKey(key.publicArea()), signature,
                            message.getBytes(StandardCharsets.UTF_8)), message);
                    signatures++;
                }
            }
        }
        assertEquals(KEYS, tpm.handles(TpmHt.TRANSIENT).size());
        assertEquals(List.of(first.handle(), second.handle()).stream().sorted().toList(),
                tpm.loadedSessions().stream().sorted().toList());
        for (TpmObject key : keys) {
            key.close();
        }
        first.close();
        second.close();
        return signatures;
    }
}
