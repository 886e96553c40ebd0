package io.tpm4j.rm.hostile;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.Space;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, point 2: one space's saved sessions are not another's to flush. A victim saves a session; another
 * space churns through 1,000 saved sessions, in one space or in 1,000 short-lived ones. The churner is refused in
 * the RM layer once over its share (its saved sessions count against it), or its abandoned sessions are bounded
 * among themselves; the victim's context loads and its session works. And no space can take the whole budget.
 */
class SavedSessionSurvivesAnotherSpacesChurnTest {

    private static final int CHURN = 1_000;

    @Test
    void aThousandSavedSessionsInOneSpaceAreRefusedBeyondItsQuotaAndTheVictimsSessionLoads() {
        try (SharedTpm tpm = new SharedTpm(ResourceManager.Options.defaults());
             Space victim = tpm.rm.openSpace("victim"); Space churner = tpm.rm.openSpace("churner")) {
            Tpm v = Tpm.on(victim);
            AuthSession kept = v.startSession(Session.hmac(TpmAlg.SHA256).audited());
            SavedContext blob = v.execute(new ContextSave(kept.handle())).context();

            Tpm h = Tpm.on(churner);
            int saved = 0;
            int refused = 0;
            for (int i = 0; i < CHURN; i++) {
                try {
                    AuthSession s = h.startSession(Session.hmac(TpmAlg.SHA256));
                    h.execute(new ContextSave(s.handle()));
                    saved++;
                } catch (TpmResponseException e) {
                    assertTrue(SharedTpm.isRmSessionMemory(e), "refused by the RM: " + e.responseCode());
                    refused++;
                }
            }
            int quota = tpm.rm.options().maxSessionsPerSpace();
            assertEquals(quota, saved, "the churner's saved sessions count against its quota");
            assertEquals(CHURN - quota, refused);
            assertEquals(quota, h.savedSessions().size());

            assertEquals(kept.handle(), v.execute(new ContextLoad(blob)).loadedHandle(), "the victim's context loads");
            assertEquals(8, v.execute(new GetRandom(8), kept).randomBytes().length, "and its session works");
            kept.close();
        }
    }

    @Test
    void aThousandSpacesThatSaveASessionAndCloseLeaveTheVictimsSessionAlone() {
        try (SharedTpm tpm = new SharedTpm(ResourceManager.Options.defaults());
             Space victim = tpm.rm.openSpace("victim")) {
            Tpm v = Tpm.on(victim);
            AuthSession kept = v.startSession(Session.hmac(TpmAlg.SHA256).audited());
            SavedContext blob = v.execute(new ContextSave(kept.handle())).context();
            List<Integer> lastAbandoned = new ArrayList<>();
            for (int i = 0; i < CHURN; i++) {
                try (Space churner = tpm.rm.openSpace("churner-" + i)) {
                    Tpm h = Tpm.on(churner);
                    AuthSession s = h.startSession(Session.hmac(TpmAlg.SHA256));
                    h.execute(new ContextSave(s.handle()));
                    lastAbandoned.add(s.handle());
                }
            }
            // Abandoned sessions are bounded among themselves, oldest flushed first: the newest are still there.
            int bound = tpm.rm.options().maxAbandonedSessions();
            List<Integer> onTpm = tpm.raw.savedSessions();
            assertEquals(bound + 1, onTpm.size(), "the bound's worth of abandoned sessions and the victim's: " + onTpm);
            assertTrue(onTpm.contains(kept.handle()));
            assertTrue(onTpm.contains(lastAbandoned.getLast()));

            assertEquals(kept.handle(), v.execute(new ContextLoad(blob)).loadedHandle(), "the victim's context loads");
            assertEquals(8, v.execute(new GetRandom(8), kept).randomBytes().length, "and its session works");
            kept.close();
        }
    }

    @Test
    void aSpaceWithoutAQuotaTakesAtMostItsShareOfTheTpmsSessions() {
        ResourceManager.Options noQuota = ResourceManager.Options.defaults().withQuotas(128, 10_000);
        try (SharedTpm tpm = new SharedTpm(noQuota);
             Space greedy = tpm.rm.openSpace("greedy"); Space modest = tpm.rm.openSpace("modest")) {
            int active = tpm.raw.allProperties().get(TpmPt.ACTIVE_SESSIONS_MAX.value());
            int greedyHolds = saveUntilRefused(Tpm.on(greedy), 2 * active);
            assertTrue(greedyHolds >= active / 2, "a space gets at least its fair share: " + greedyHolds);
            assertTrue(greedyHolds < active, "but not all " + active + " sessions: " + greedyHolds);
            int modestHolds = saveUntilRefused(Tpm.on(modest), 2 * active);
            assertTrue(modestHolds >= active / 2 - 1, "the other space still gets its share: " + modestHolds);
            assertTrue(greedyHolds + modestHolds <= active);
        }
    }

    /** Starts and saves sessions until the RM refuses one; returns how many the space then holds. */
    private static int saveUntilRefused(Tpm tpm, int atMost) {
        for (int held = 0; held <= atMost; held++) {
            try {
                AuthSession s = tpm.startSession(Session.hmac(TpmAlg.SHA256));
                tpm.execute(new ContextSave(s.handle()));
            } catch (TpmResponseException e) {
                assertTrue(SharedTpm.isRmSessionMemory(e), "refused by the RM, not the TPM: " + e.responseCode());
                return held;
            }
        }
        throw new AssertionError("never refused: the space's saved sessions do not count against it");
    }
}
