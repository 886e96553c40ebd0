package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What swapping costs the TPM, counted: lazy LRU swapping, and the kernel's eager policy for comparison. */
class SwappingTest extends WithResourceManager {

    private static void signWithSession(Tpm tpm, TpmObject key, AuthSession session) {
        tpm.execute(new Sign(key.handle(), Authorization.session(session, new byte[0]).forEntity(key.name()), RmTesting.sha256("x"),
                Scheme.NULL, Sign.nullTicket()));
    }

    /**
     * swtpm answers the first ECDSA signature after startup with TPM_RC_RETRY (it tests the algorithm first);
     * the RM sends it again, which the counts below should not include.
     */
    private static void warmUp(Tpm tpm, TpmObject key) {
        tpm.sign(key, RmTesting.sha256("warm-up"));
    }

    @Test
    void withoutContentionLazySwappingCostsOneTpmCommandPerClientCommand() {
        try (Space space = rm.openSpace("alone")) {
            Tpm tpm = Tpm.on(space);
            RmCounters warm;
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
                 TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()));
                 AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256))) {
                warmUp(tpm, key);
                warm = space.counters();
                for (int i = 0; i < 100; i++) {
                    tpm.sign(key, RmTesting.sha256("lazy"));
                    signWithSession(tpm, key, session);
                }
            }
            RmCounters spent = space.counters().minus(warm);
            assertTrue(spent.clientCommands() > 200, spent.toString());
            assertEquals(spent.clientCommands(), spent.tpmCommands(), spent.toString());
            assertEquals(0, spent.contextLoads() + spent.contextSaves() + spent.evictions(), spent.toString());
            assertEquals(rm.counters().minus(warm), spent, "one space: the chip's counters are the space's");
        }
    }

    @Test
    void theKernelsEagerPolicyCostsFourTpmCommandsPerSignAndSixWithASession() {
        rm.close();
        rm = ResourceManager.over(chip, ResourceManager.Options.kernelLike());
        try (Space space = rm.openSpace("eager")) {
            Tpm tpm = Tpm.on(space);
            try (TpmObject key = tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
                 AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256))) {
                warmUp(tpm, key);
                RmCounters before = space.counters();
                tpm.sign(key, RmTesting.sha256("eager"));
                RmCounters sign = space.counters().minus(before);
                // ContextLoad, Sign, ContextSave, FlushContext.
                assertEquals(4, sign.tpmCommands(), sign.toString());
                signWithSession(tpm, key, session);   // the facade reads the key's Name once, for the HMAC
                before = space.counters();
                signWithSession(tpm, key, session);
                // Two ContextLoads, Sign, two ContextSaves, one FlushContext.
                assertEquals(6, space.counters().minus(before).tpmCommands());
            }
        }
    }

    @Test
    void theLeastRecentlyUsedObjectIsSwappedOutFirst() {
        try (Space space = rm.openSpace("lru")) {
            Tpm tpm = Tpm.on(space);
            List<TpmObject> keys = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                keys.add(tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey()));
            }
            TpmObject a = keys.get(0);
            TpmObject b = keys.get(1);
            TpmObject c = keys.get(2);
            tpm.sign(a, RmTesting.sha256("a"));
            RmCounters before = space.counters();
            TpmObject d = tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());   // evicts b, the oldest use
            assertEquals(1, space.counters().minus(before).evictions());
            before = space.counters();
            tpm.sign(a, RmTesting.sha256("a"));
            tpm.sign(c, RmTesting.sha256("c"));
            tpm.sign(d, RmTesting.sha256("d"));
            assertEquals(0, space.counters().minus(before).contextLoads(), "a, c and d were still loaded");
            before = space.counters();
            tpm.sign(b, RmTesting.sha256("b"));
            RmCounters reload = space.counters().minus(before);
            assertEquals(1, reload.contextLoads(), reload.toString());
            assertEquals(1, reload.evictions(), reload.toString());
            for (TpmObject key : List.of(a, b, c, d)) {
                key.close();
            }
        }
    }

    @Test
    void aKeySwappedOutAgainCostsOnlyAFlushButASequenceIsSavedEachTime() {
        try (Space space = rm.openSpace("again")) {
            Tpm tpm = Tpm.on(space);
            List<TpmObject> keys = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                keys.add(tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey()));
            }
            warmUp(tpm, keys.get(3));
            RmCounters before = space.counters();
            for (int round = 0; round < 3; round++) {
                for (TpmObject key : keys) {
                    tpm.sign(key, RmTesting.sha256("round " + round));
                }
            }
            RmCounters spent = space.counters().minus(before);
            // Four keys cycling through three slots in LRU order: every signature swaps one key in and one out.
            // Key 0 was saved when key 3 was created; keys 1, 2 and 3 are saved the first time they leave, and
            // never again: later evictions are a flush alone.
            assertEquals(12, spent.evictions(), spent.toString());
            assertEquals(12, spent.contextLoads(), spent.toString());
            assertEquals(3, spent.contextSaves(), spent.toString());
            assertEquals(12 + 12 + 3 + 12, spent.tpmCommands(), "signatures, loads, saves and flushes: " + spent);
            for (TpmObject key : keys) {
                key.close();
            }
            // A hash sequence changes as it is fed, so each time it leaves the TPM its context is saved anew.
            int sequence = tpm.execute(new io.tpm4j.api.commands.HashSequenceStart(new byte[0], TpmAlg.SHA256))
                    .sequenceHandle();
            List<TpmObject> others = new ArrayList<>();
            RmCounters beforeSequence = space.counters();
            for (int round = 0; round < 2; round++) {
                tpm.execute(new io.tpm4j.api.commands.SequenceUpdate(sequence, Authorization.emptyPassword(),
                        new byte[] {(byte) round}));
                for (int i = 0; i < 3; i++) {
                    others.add(tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey()));
                }
                others.forEach(TpmObject::close);
                others.clear();
            }
            assertEquals(2, space.counters().minus(beforeSequence).contextSaves(), "saved at each eviction");
            byte[] digest = tpm.execute(new io.tpm4j.api.commands.SequenceComplete(sequence,
                    Authorization.emptyPassword(), new byte[0], TpmRh.NULL)).result();
            assertEquals(32, digest.length);
        }
    }

    @Test
    void whenTheTpmRunsOutOfObjectOrSessionMemoryTheRmSwapsAndSendsAgain() {
        // Objects and a session loaded past the RM take slots it does not know about.
        TpmObject foreign = raw.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
        AuthSession foreignSession = raw.startSession(Session.hmac(TpmAlg.SHA256));
        try (Space space = rm.openSpace("short")) {
            Tpm tpm = Tpm.on(space);
            List<TpmObject> keys = new ArrayList<>();
            List<AuthSession> sessions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                keys.add(tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey()));
                sessions.add(tpm.startSession(Session.hmac(TpmAlg.SHA256)));
            }
            for (int i = 0; i < 3; i++) {
                signWithSession(tpm, keys.get(i), sessions.get(i));
            }
            RmCounters spent = space.counters();
            assertTrue(spent.evictions() >= 2, "the RM made room after the TPM's refusals: " + spent);
            for (int i = 0; i < 3; i++) {
                keys.get(i).close();
                sessions.get(i).close();
            }
        } finally {
            raw.execute(new FlushContext(foreign.handle()));
            raw.execute(new FlushContext(foreignSession.handle()));
        }
    }
}
