package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TPM_RC_CONTEXT_GAP: a TPM refuses to save a session once its context counter has run a whole
 * TPM_PT_CONTEXT_GAP_MAX past the oldest saved session. One client keeps a session saved for a long time while
 * another saves and loads its own session over and over. Through tpm4j's RM the churning client never sees the
 * code and the long-lived session still works; straight on the TPM, and with the kernel's policy, it does.
 */
class ContextGapTest {

    /** Far enough past swtpm's gap (65535) to be sure, with room for the RM's own saves. */
    private static final int EXTRA_CYCLES = 4_000;

    @Test
    void throughTheRmTheGapNeverReachesAClientAndTheOldSessionStillWorks() {
        try (Swtpm swtpm = Swtpm.startChardev(); TpmChip chip = TpmChip.over(swtpm.transport(), "swtpm")) {
            ResourceManager rm = ResourceManager.over(chip);
            Tpm raw = Tpm.on(swtpm.transport()::transmit);
            try (Space keeper = rm.openSpace("keeper"); Space churner = rm.openSpace("churner")) {
                Outcome outcome = drive(Tpm.on(keeper), Tpm.on(churner), gapMax(raw));
                assertEquals(-1, outcome.gapAt, "the churning client saw TPM_RC_CONTEXT_GAP at cycle " + outcome.gapAt);
                assertTrue(outcome.oldSessionWorks, "the long-saved session loads and authorises again");
            }
            rm.close();
            WithResourceManager.assertNothingLoaded(raw);
        }
    }

    @Test
    void onTheBareTpmTheSameClientsHitTheGap() {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            Tpm raw = Tpm.on(swtpm.transport());
            raw.startupIfNeeded();
            long gapMax = gapMax(raw);
            Outcome outcome = drive(raw, raw, gapMax);
            assertTrue(outcome.gapAt > 0 && outcome.gapAt <= gapMax + 1, "gap at cycle " + outcome.gapAt);
        }
    }

    @Test
    void withTheKernelsPolicyTheSameClientsHitTheGap() {
        try (Swtpm swtpm = Swtpm.startChardev(); TpmChip chip = TpmChip.over(swtpm.transport(), "swtpm")) {
            ResourceManager rm = ResourceManager.over(chip, ResourceManager.Options.kernelLike());
            try (Space keeper = rm.openSpace("keeper"); Space churner = rm.openSpace("churner")) {
                Outcome outcome = drive(Tpm.on(keeper), Tpm.on(churner), gapMax(Tpm.on(swtpm.transport()::transmit)));
                assertTrue(outcome.gapAt > 0, "the kernel's policy does nothing about the gap: " + outcome.gapAt);
            }
            rm.close();
        }
    }

    private static long gapMax(Tpm tpm) {
        return Integer.toUnsignedLong(tpm.allProperties().get(TpmPt.CONTEXT_GAP_MAX.value()));
    }

    private record Outcome(int gapAt, boolean oldSessionWorks) {
    }

    /**
     * The keeper starts a session and saves it; the churner saves and loads a session of its own until the gap
     * or well past it. Then the keeper loads its old context and uses the session. Everything is flushed.
     */
    private static Outcome drive(Tpm keeper, Tpm churner, long gapMax) {
        AuthSession old = keeper.startSession(Session.hmac(TpmAlg.SHA256).audited());
        SavedContext oldContext = keeper.execute(new ContextSave(old.handle())).context();
        AuthSession churning = churner.startSession(Session.hmac(TpmAlg.SHA256));
        TpmTransport wire = churner.transport();
        byte[] save = new TpmWriter().u16(0x8001).u32(14).u32(0x162).u32(churning.handle()).toByteArray();
        int gapAt = -1;
        for (int cycle = 1; cycle <= gapMax + EXTRA_CYCLES; cycle++) {
            byte[] saved = wire.transmit(save);
            ResponseCode rc = RmTesting.responseCode(saved);
            if (rc.is(TpmRc.CONTEXT_GAP)) {
                gapAt = cycle;
                break;
            }
            assertEquals(0, rc.raw(), "ContextSave: " + rc);
            byte[] context = Arrays.copyOfRange(saved, 10, saved.length);
            TpmWriter load = new TpmWriter().u16(0x8001).u32(10 + context.length).u32(0x161).bytes(context);
            ResponseCode loaded = RmTesting.responseCode(wire.transmit(load.toByteArray()));
            assertEquals(0, loaded.raw(), "ContextLoad: " + loaded);
        }
        assertEquals(old.handle(), keeper.execute(new ContextLoad(oldContext)).loadedHandle());
        boolean works = keeper.execute(new GetRandom(8), old).randomBytes().length == 8;
        churner.execute(new FlushContext(churning.handle()));
        keeper.execute(new FlushContext(old.handle()));
        assertEquals(List.of(), keeper.loadedSessions());
        return new Outcome(gapAt, works);
    }
}
