package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.HashSequenceStart;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thousand spaces do random work and close, a third of them while a command of theirs is in flight on another
 * thread. Afterwards the raw TPM holds no transient object and no loaded session; the only saved sessions left
 * are ones clients saved and never loaded again, which belong to whoever loads them (resource-manager.md item 6),
 * at most the RM's bound, and the RM's close flushes those too.
 */
class LeakTest extends WithResourceManager {

    private static final int SPACES = 1_000;
    private static final int MAX_ABANDONED = 6;

    @Override
    ResourceManager.Options options() {
        return ResourceManager.Options.defaults().withMaxAbandonedSessions(MAX_ABANDONED);
    }

    @Test
    void aThousandSpacesDoingRandomWorkAndClosingLeaveNothingBehind() throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(4);
        ExecutorService inFlight = Executors.newFixedThreadPool(4);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger abrupt = new AtomicInteger();
        AtomicInteger cutShort = new AtomicInteger();
        List<Future<?>> tasks = new ArrayList<>();
        for (int i = 0; i < SPACES; i++) {
            long seed = i;
            tasks.add(workers.submit(() -> {
                Random random = new Random(seed);
                Space space = rm.openSpace("leak-" + seed);
                try {
                    Tpm tpm = Tpm.on(space);
                    int steps = 1 + random.nextInt(6);
                    for (int step = 0; step < steps; step++) {
                        randomStep(tpm, random);
                    }
                    if (random.nextInt(3) == 0) {
                        abrupt.incrementAndGet();
                        // Close while another thread's command on this space is on its way or in flight.
                        Future<?> command = inFlight.submit(() -> randomStep(tpm, random));
                        Thread.sleep(0, random.nextInt(500_000));
                        space.close();
                        try {
                            command.get(1, TimeUnit.MINUTES);
                        } catch (java.util.concurrent.ExecutionException e) {
                            if (!(e.getCause() instanceof IllegalStateException)) {
                                throw e;
                            }
                            cutShort.incrementAndGet();
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    space.close();
                }
                return null;
            }));
        }
        for (Future<?> task : tasks) {
            task.get(10, TimeUnit.MINUTES);
        }
        workers.shutdown();
        inFlight.shutdown();
        assertTrue(workers.awaitTermination(1, TimeUnit.MINUTES) && inFlight.awaitTermination(1, TimeUnit.MINUTES));
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " spaces failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
        assertTrue(abrupt.get() > 200, "abrupt closes: " + abrupt.get());
        assertTrue(cutShort.get() > 0 && cutShort.get() < abrupt.get(), "of " + abrupt.get() + " abrupt closes, "
                + cutShort.get() + " refused the command in flight; the rest closed after it ran");
        assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT), "transient objects left");
        assertEquals(List.of(), raw.loadedSessions(), "loaded sessions left");
        int saved = raw.savedSessions().size();
        assertTrue(saved <= MAX_ABANDONED, saved + " saved sessions left, more than the bound " + MAX_ABANDONED);
        rm.close();
        WithResourceManager.assertNothingLoaded(raw);
    }

    /** One random piece of work; the objects and sessions it makes are left for the space's close to flush. */
    private static void randomStep(Tpm tpm, Random random) {
        switch (random.nextInt(6)) {
            case 0 -> tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
            case 1 -> {
                TpmObject key = tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
                tpm.sign(key, RmTesting.sha256("leak"));
                if (random.nextBoolean()) {
                    key.close();
                }
            }
            case 2 -> tpm.startSession(random.nextBoolean() ? Session.hmac(TpmAlg.SHA256) : Session.policy(TpmAlg.SHA256));
            case 3 -> tpm.execute(new HashSequenceStart(new byte[0], TpmAlg.SHA256));
            case 4 -> {
                // A session saved by its client and, half the time, never loaded again.
                AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256));
                SavedContext context = tpm.execute(new ContextSave(session.handle())).context();
                if (random.nextBoolean()) {
                    tpm.execute(new ContextLoad(context));
                }
            }
            default -> {
                TpmObject key = tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
                SavedContext context = tpm.execute(new ContextSave(key.handle())).context();
                tpm.execute(new ContextLoad(context));
            }
        }
    }
}
