package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The context gap met while the RM is already closing it. To re-save the oldest saved session A, the RM needs a
 * free session slot; when all are taken it swaps a loaded session out, and that save can itself answer
 * TPM_RC_CONTEXT_GAP (A is still the old one). The RM must not start a second re-save of A inside the first:
 * the first is still under way, and whatever the inner one swaps or re-saves pulls the ground from under it.
 *
 * <p>swtpm (three session slots) does the work; a scripted backend under the chip gives the two
 * TPM_RC_CONTEXT_GAP answers, since reaching a real gap takes some 65,000 saves. In both tests the client holds
 * A (swapped out by the RM, the oldest saved session) and B, C and D (loaded; B least recently used).
 */
class NestedContextGapTest {

    private Swtpm swtpm;
    private ScriptedTransport backend;
    private TpmChip chip;
    private ResourceManager rm;
    private Space space;
    private Tpm tpm;
    /** The TPM straight through its device, past the RM. */
    private Tpm raw;
    private AuthSession a;
    private AuthSession b;
    private AuthSession c;
    private AuthSession d;

    @BeforeEach
    void fourSessionsOnThreeSlots() {
        swtpm = Swtpm.startChardev();
        raw = Tpm.on(swtpm.transport()::transmit);
        backend = new ScriptedTransport(swtpm.transport());
        chip = TpmChip.over(backend, "scripted swtpm");
        rm = ResourceManager.over(chip);
        space = rm.openSpace("client");
        tpm = Tpm.on(space);
        a = startAudited();
        b = startAudited();
        c = startAudited();
        d = startAudited();   // the RM swaps A out to make room
        for (AuthSession session : List.of(b, c, d)) {
            use(session);
        }
        assertEquals(List.of(a.handle()), raw.savedSessions(), "A is the one saved session");
        assertEquals(List.of(b.handle(), c.handle(), d.handle()), raw.loadedSessions());
        backend.clearLog();
    }

    @AfterEach
    void nothingLeft() {
        space.close();
        WithResourceManager.closeAndCheckNothingLeft(rm, chip, raw, swtpm);
    }

    /**
     * resave(A) → makeRoomForSession → swapOut(B) → TPM_RC_CONTEXT_GAP → a nested re-save of A. The client's
     * ContextSave of D answers TPM_RC_CONTEXT_GAP, so the RM re-saves A; to load A it swaps B out, and that
     * save answers TPM_RC_CONTEXT_GAP too. With the guard holding, A is re-saved once, B is saved when the
     * TPM asks for room, the client's save goes through and every session still works.
     */
    @Test
    void aGapMetWhileReSavingIsNotClosedByASecondReSaveInsideTheFirst() {
        backend.answerOnce(ScriptedTransport.contextSaveOf(d.handle()), TpmRc.CONTEXT_GAP);
        backend.answerOnce(ScriptedTransport.contextSaveOf(b.handle()), TpmRc.CONTEXT_GAP);

        SavedContext savedD = tpm.execute(new ContextSave(d.handle())).context();

        assertTrue(backend.scriptDone(), "the RM reached the nested path");
        assertEquals(1, backend.contextSavesOf(a.handle()), "A is re-saved once for the one gap");
        assertEquals(d.handle(), tpm.execute(new ContextLoad(savedD)).loadedHandle());
        for (AuthSession session : List.of(a, b, c, d)) {
            use(session);
        }
        flushAll();
    }

    /**
     * swapOut(B) → TPM_RC_CONTEXT_GAP → resave(A) → makeRoomForSession → swapOut(B): the re-save swaps out the
     * very session whose save waited for it. The first swap-out must then find B saved, not save it again
     * (which fails on a session no longer loaded) and forget it.
     */
    @Test
    void aSessionSwappedOutByTheReSaveItsOwnSaveWaitedForIsKept() {
        backend.answerOnce(ScriptedTransport.contextSaveOf(b.handle()), TpmRc.CONTEXT_GAP);

        AuthSession e = startAudited();   // makes room: swaps B out

        assertTrue(backend.scriptDone(), "the RM reached the nested path");
        assertEquals(1, backend.contextSavesOf(a.handle()), "A is re-saved once for the one gap");
        for (AuthSession session : List.of(a, b, c, d)) {
            use(session);
        }
        tpm.execute(new FlushContext(e.handle()));
        flushAll();
    }

    private AuthSession startAudited() {
        return tpm.startSession(Session.hmac(TpmAlg.SHA256).audited());
    }

    /** A command in the session, which the RM loads for it if need be. */
    private void use(AuthSession session) {
        assertEquals(8, tpm.execute(new GetRandom(8), session).randomBytes().length, session.toString());
    }

    private void flushAll() {
        for (AuthSession session : List.of(a, b, c, d)) {
            tpm.execute(new FlushContext(session.handle()));
        }
    }
}
