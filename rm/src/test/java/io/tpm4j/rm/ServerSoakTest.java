package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.types.TpmHt;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.tpm4j.rm.RmTesting.newSigningKey;
import static io.tpm4j.rm.RmTesting.signAndVerify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Minutes of tpm2-tools, tpm2-pytss and Java clients through the server, four at a time and one after another,
 * while a killer SIGKILLs client processes in the middle of their commands. Afterwards the TPM holds only what a
 * client made persistent, no connection is left, and the server's heap after GC has not grown.
 * {@code -Dtpm4j.soak.seconds=N} sets the length (default 120).
 */
class ServerSoakTest extends WithServer {

    private static final Logger log = LoggerFactory.getLogger(ServerSoakTest.class);
    private static final String PERSISTENT = "0x81000097";
    private static final int WORKERS = 4;
    private static final long MIB = 1024 * 1024;

    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    /** Killed while running; a client's step takes its process out when it ends, so nothing here outlives it. */
    private final Set<Process> killed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger killCount = new AtomicInteger();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger processes = new AtomicInteger();
    private final AtomicLong javaSignatures = new AtomicLong();
    private Path script;

    @Test
    void clientsComeGoAndDieMidCommandAndLeaveNothingBehind() throws Exception {
        Duration length = Duration.ofSeconds(Long.getLong("tpm4j.soak.seconds", 120));
        script = dir.resolve("pytss_client.py");
        try (InputStream in = getClass().getResourceAsStream("/pytss_client.py")) {
            Files.write(script, in.readAllBytes());
        }
        tools("tpm2_createprimary", "-Q", "-C", "o", "-c", "persistent.ctx");
        tools("tpm2_evictcontrol", "-Q", "-C", "o", "-c", "persistent.ctx", PERSISTENT);
        try {
            long deadline = System.nanoTime() + length.toNanos();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                Path workDir = Files.createDirectories(dir.resolve("worker" + w));
                workers.add(Thread.ofPlatform().name("soak-worker-" + w).start(() -> work(workDir, deadline)));
            }
            Thread killer = Thread.ofPlatform().name("soak-killer").start(() -> kill(deadline));
            List<Long> heap = new ArrayList<>();
            long sampleEvery = Math.max(1000, length.toMillis() / 10);
            while (System.nanoTime() < deadline) {
                Thread.sleep(Math.min(sampleEvery, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                heap.add(heapAfterGc());
            }
            for (Thread worker : workers) {
                worker.join(TimeUnit.MINUTES.toMillis(2));
                assertTrue(!worker.isAlive(), worker.getName() + " is stuck");
            }
            killer.join(TimeUnit.SECONDS.toMillis(10));
            await("every client connection ended", () -> server.health().connections() == 0);

            log.info("soak: {} client processes ({} killed), {} Java signatures, {} connections, RM {}",
                    processes.get(), killCount.get(), javaSignatures.get(), server.health().accepted(), rm.counters());
            assertEquals(List.of(), failures, "client steps that failed without being killed");
            assertTrue(killCount.get() >= length.toSeconds() / 4, "only " + killCount.get() + " clients were killed");
            assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT), "transient objects left");
            assertEquals(List.of(), raw.loadedSessions(), "loaded sessions left");
            assertTrue(raw.savedSessions().size() <= rm.options().maxAbandonedSessions(),
                    "abandoned sessions beyond the bound: " + raw.savedSessions().size());
            assertEquals(List.of(Integer.parseUnsignedInt(PERSISTENT.substring(2), 16)), raw.handles(TpmHt.PERSISTENT),
                    "persistent handles other than the client's");
            assertHeapFlat(heap);
        } finally {
            tools("tpm2_evictcontrol", "-Q", "-C", "o", "-c", PERSISTENT);
        }
    }

    /** One client's life after another until the deadline: tools chains, sessions, pytss, Java. */
    private void work(Path workDir, long deadline) {
        String tcti = "mssim:host=127.0.0.1,port=" + mssimPort;
        Map<String, String> env = Map.of("TPM2TOOLS_TCTI", tcti);
        while (System.nanoTime() < deadline) {
            try {
                switch (ThreadLocalRandom.current().nextInt(5)) {
                    case 0 -> chain(workDir, env,
                            List.of("tpm2_createprimary", "-Q", "-C", "o", "-c", "primary.ctx"),
                            List.of("tpm2_create", "-Q", "-C", "primary.ctx", "-G", "ecc256:ecdsa-sha256", "-u", "key.pub",
                                    "-r", "key.priv"),
                            List.of("tpm2_load", "-Q", "-C", "primary.ctx", "-u", "key.pub", "-r", "key.priv", "-c", "key.ctx"),
                            List.of("tpm2_sign", "-Q", "-c", "key.ctx", "-g", "sha256", "-o", "sig.bin", "primary.ctx"));
                    case 1 -> chain(workDir, env,
                            List.of("tpm2_startauthsession", "-Q", "--policy-session", "-S", "session.ctx"),
                            List.of("tpm2_policypcr", "-Q", "-S", "session.ctx", "-l", "sha256:0"),
                            List.of("tpm2_flushcontext", "session.ctx"));
                    case 2 -> chain(workDir, Map.of(),
                            List.of("/usr/bin/python3", script.toString(), tcti, "keys", workDir.toString()),
                            List.of("/usr/bin/python3", script.toString(), tcti, "handles", workDir.toString()));
                    case 3 -> chain(workDir, env, List.of("tpm2_getrandom", "-o", "random.bin", "32"),
                            List.of("tpm2_pcrread", "-Q", "sha256:0"));
                    default -> {
                        try (Tpm javaClient = client(); TpmObject key = newSigningKey(javaClient)) {
                            for (int i = 0; i < 5; i++) {
                                signAndVerify(javaClient, key, "soak " + i);
                                javaSignatures.incrementAndGet();
                            }
                        }
                    }
                }
            } catch (Exception | AssertionError e) {
                failures.add(Thread.currentThread().getName() + ": " + e);
            }
        }
    }

    /** Runs steps one after another; a step that was killed ends the chain, one that failed on its own is recorded. */
    @SafeVarargs
    private void chain(Path workDir, Map<String, String> env, List<String>... steps) throws Exception {
        for (List<String> step : steps) {
            ProcessBuilder builder = new ProcessBuilder(step).directory(workDir.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process p = builder.start();
            processes.incrementAndGet();
            running.add(p);
            try {
                byte[] output;
                try {
                    output = p.getInputStream().readAllBytes();
                } catch (java.io.IOException e) {
                    // Process.destroyForcibly() closes the streams: the killer got there first (it marks the
                    // victim before it kills).
                    if (killed.contains(p)) {
                        return;
                    }
                    throw e;
                }
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    failures.add(String.join(" ", step) + ": did not finish within 60 s");
                    return;
                }
                if (killed.remove(p)) {
                    return;
                }
                if (p.exitValue() != 0) {
                    failures.add(String.join(" ", step) + ": exit " + p.exitValue() + ": " + new String(output));
                    return;
                }
            } finally {
                running.remove(p);
                killed.remove(p);
            }
        }
    }

    /** SIGKILLs a random running client every 0.1 to 0.6 s: most die in the middle of a command. */
    private void kill(long deadline) {
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(100 + ThreadLocalRandom.current().nextInt(500));
            } catch (InterruptedException e) {
                return;
            }
            List<Process> candidates = new ArrayList<>(running);
            if (!candidates.isEmpty()) {
                Process victim = candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
                killed.add(victim);
                killCount.incrementAndGet();
                victim.destroyForcibly();
            }
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The last samples are no higher than the early ones (after warm-up) plus 2 MiB for noise. */
    private static void assertHeapFlat(List<Long> heap) {
        assertTrue(heap.size() >= 6, "too few heap samples: " + heap);
        long early = Math.max(heap.get(1), heap.get(2));
        long late = Math.min(heap.get(heap.size() - 1), heap.get(heap.size() - 2));
        log.info("soak: heap after GC {} MiB early, {} MiB late (samples {})", early / MIB, late / MIB,
                heap.stream().map(b -> b / MIB).toList());
        assertTrue(late <= early + 2 * MIB, "the heap grew from " + early / MIB + " to " + late / MIB + " MiB: " + heap);
    }
}
