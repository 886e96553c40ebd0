package io.tpm4j.rm;

import io.tpm4j.api.RetryPolicy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16's fuzzing of the RM against a hostile TPM. A realistic two-client workload (keys made, loaded, used and
 * swapped; sessions started, saved, loaded and abandoned; handle lists; flushes) runs once against swtpm through
 * the RM, which records every response; then its client commands are replayed {@code tpm4j.fuzz.iterations} times
 * (20,000 by default, sized for CI; the full 100,000 ran once, see docs/resource-manager.md) against
 * {@link MutatedResponses}, which answers with seeded mutations of those responses. Each replay must end in
 * answers or tpm4j's exceptions only, the RM's records must agree with each other after each, and every handle it
 * believes the TPM holds must be flushed when its space or the RM closes. Afterwards the same workload through a
 * fresh RM over swtpm still leaves nothing loaded. A failure names the seed and the iteration;
 * {@code -Dtpm4j.fuzz.seed} replays it.
 */
class ResponseMutationFuzzTest {

    private static final int ITERATIONS = Integer.getInteger("tpm4j.fuzz.iterations", 20_000);
    private static final long SEED = Long.getLong("tpm4j.fuzz.seed", 0x7A11_5EEDL);
    /** Replays on one RM before it is closed and a new one made. */
    private static final int PER_RM = 500;
    /** The share of responses mutated. */
    private static final double SHARE = 0.15;

    private record Sent(int space, byte[] command) {
    }

    @Test
    void mutatedTpmResponsesGetOnlyTpm4jExceptionsAndLeaveNoStateBehind() {
        Map<Integer, List<byte[]>> responses = new HashMap<>();
        Map<String, List<byte[]>> exact = new HashMap<>();
        List<Sent> workload = new ArrayList<>();
        try (Swtpm swtpm = Swtpm.startChardev()) {
            recordWorkload(swtpm, responses, exact, workload);
            long started = System.nanoTime();
            int done = 0;
            for (long batch = 0; done < ITERATIONS; batch++) {
                int n = Math.min(PER_RM, ITERATIONS - done);
                fuzzBatch(responses, exact, workload, SEED + batch, done, n);
                done += n;
            }
            System.out.printf("response fuzzing: %,d replays of %d client commands in %.1f s (seed %d)%n", done,
                    workload.size(), (System.nanoTime() - started) / 1e9, SEED);
            replayOnRealTpm(swtpm, workload);
        }
    }

    /** One RM over a fake TPM, {@code n} replays, each checked; the RM's close must flush what it still holds. */
    private static void fuzzBatch(Map<Integer, List<byte[]>> responses, Map<String, List<byte[]>> exact,
                                  List<Sent> workload, long seed, int first, int n) {
        MutatedResponses fake = new MutatedResponses(responses, exact, seed, 0);
        TpmChip chip = TpmChip.over(fake, "fake");
        ResourceManager rm = ResourceManager.over(chip, options());
        // The RM is set up on true answers; from here on the fake lies.
        fake.mutateShare(SHARE);
        int iteration = first;
        try {
            for (int i = 0; i < n; i++, iteration = first + i) {
                replayOnce(rm, workload, fake, seed, iteration);
            }
            List<Integer> believed = rm.handlesInTpm();
            fake.flushed().clear();
            rm.close();
            Set<Integer> missed = new HashSet<>(believed);
            missed.removeAll(fake.flushed());
            assertTrue(missed.isEmpty(), failure(seed, iteration, fake) + ": the RM's close did not flush "
                    + hex(missed));
        } finally {
            chip.close();
        }
    }

    private static void replayOnce(ResourceManager rm, List<Sent> workload, MutatedResponses fake, long seed,
                                   int iteration) {
        Space[] spaces = {rm.openSpace("fuzz-a"), rm.openSpace("fuzz-b")};
        int step = 0;
        try {
            for (Sent sent : workload) {
                try {
                    spaces[sent.space()].transmit(sent.command());
                } catch (TpmException expected) {
                    // A hostile TPM's answer may be refused in any of tpm4j's ways.
                }
                step++;
            }
        } catch (RuntimeException | Error e) {
            throw new AssertionError(failure(seed, iteration, fake) + ", step " + step + ": not a tpm4j exception", e);
        }
        List<String> wrong = rm.trackingInconsistencies();
        assertEquals(List.of(), wrong, failure(seed, iteration, fake) + ": tracking inconsistent");
        List<Integer> believed = rm.handlesInTpm();
        fake.flushed().clear();
        for (Space space : spaces) {
            space.close();
        }
        Set<Integer> leaked = new HashSet<>(believed);
        leaked.removeAll(fake.flushed());
        leaked.removeAll(rm.handlesInTpm());   // abandoned sessions stay, for whoever holds their blobs
        assertTrue(leaked.isEmpty(), failure(seed, iteration, fake) + ": closing the spaces did not flush "
                + hex(leaked));
        assertEquals(List.of(), rm.trackingInconsistencies(), failure(seed, iteration, fake) + ": after close");
    }

    private static String failure(long seed, int iteration, MutatedResponses fake) {
        return "seed " + seed + ", iteration " + iteration + " (last mutation: " + fake.lastMutation() + ")";
    }

    private static ResourceManager.Options options() {
        // Retries would only sleep; the RM's answer to a retry code is tested elsewhere (RetryTest).
        return ResourceManager.Options.defaults().withRetries(RetryPolicy.none());
    }

    private static String hex(Set<Integer> handles) {
        return handles.stream().map(h -> String.format("0x%08x", h)).toList().toString();
    }

    /** The workload against swtpm through a fresh RM, recording the TPM's responses and the clients' commands. */
    private static void recordWorkload(Swtpm swtpm, Map<Integer, List<byte[]>> responses,
                                       Map<String, List<byte[]>> exact, List<Sent> workload) {
        TpmTransport recording = MutatedResponses.recording(swtpm.transport()::transmit, responses, exact);
        TpmChip chip = TpmChip.over(recording, "recording");
        ResourceManager rm = ResourceManager.over(chip, options());
        runWorkload(rm, workload);
        rm.close();
        WithResourceManager.assertNothingLoaded(Tpm.on(swtpm.transport()::transmit));
    }

    /** The recorded client commands once more, through a fresh RM over swtpm: nothing may be left loaded. */
    private static void replayOnRealTpm(Swtpm swtpm, List<Sent> workload) {
        TpmChip chip = TpmChip.over(swtpm.transport()::transmit, "swtpm");
        ResourceManager rm = ResourceManager.over(chip, options());
        Space[] spaces = {rm.openSpace("real-a"), rm.openSpace("real-b")};
        for (Sent sent : workload) {
            spaces[sent.space()].transmit(sent.command());
        }
        assertEquals(List.of(), rm.trackingInconsistencies());
        rm.close();
        WithResourceManager.assertNothingLoaded(Tpm.on(swtpm.transport()::transmit));
    }

    private static void runWorkload(ResourceManager rm, List<Sent> workload) {
        try (Space a = rm.openSpace("a"); Space b = rm.openSpace("b")) {
            Tpm ta = Tpm.on(logging(a, 0, workload));
            Tpm tb = Tpm.on(logging(b, 1, workload));
            TpmObject srk = ta.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
            TpmObject key = ta.load(srk, ta.create(srk, Templates.eccSigningKey()));
            ta.sign(key, new byte[32]);
            AuthSession session = ta.startSession(Session.hmac(TpmAlg.SHA256).audited());
            SavedContext saved = ta.execute(new ContextSave(session.handle())).context();
            ta.execute(new ContextLoad(saved));
            ta.execute(new GetRandom(8), session);
            AuthSession left = tb.startSession(Session.hmac(TpmAlg.SHA256));
            tb.execute(new ContextSave(left.handle()));
            for (int i = 0; i < 3; i++) {
                tb.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
            }
            ta.sign(key, new byte[32]);
            ta.handles(TpmHt.TRANSIENT);
            ta.loadedSessions();
            tb.savedSessions();
            ta.getRandom(16);
            SavedContext keyContext = ta.execute(new ContextSave(key.handle())).context();
            ta.execute(new FlushContext(key.handle()));
            int reloaded = ta.execute(new ContextLoad(keyContext)).loadedHandle();
            ta.execute(new FlushContext(reloaded));
            ta.execute(new FlushContext(session.handle()));
            ta.execute(new FlushContext(srk.handle()));
        }
    }

    private static TpmTransport logging(Space space, int index, List<Sent> log) {
        return command -> {
            log.add(new Sent(index, command.clone()));
            return space.transmit(command);
        };
    }
}
