package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmAlg;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * TPM2_FlushContext of a session in the saved state succeeds on a TPM (and through the kernel, which passes it
 * on): tpm2-abrmd's session-gap test relies on it. Through the RM the space that saved the session may flush it,
 * no other space may, and the context the client kept then fails to load exactly as it does on the TPM itself.
 */
class SavedSessionFlushTest extends WithResourceManager {

    @Test
    void aSpaceFlushesASessionItSavedAndItsOldContextThenFailsAsOnTheTpm() {
        ResponseCode onTheTpm = loadAfterFlushOnTheRawTpm();
        try (Space saver = rm.openSpace("saver"); Space other = rm.openSpace("other")) {
            Tpm tpm = Tpm.on(saver);
            AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256));
            SavedContext saved = tpm.execute(new ContextSave(session.handle())).context();
            assertEquals(List.of(session.handle()), raw.savedSessions());

            TpmResponseException refused = assertThrows(TpmResponseException.class,
                    () -> Tpm.on(other).execute(new FlushContext(session.handle())));
            assertEquals(ResponseCode.RESOURCE_MANAGER_LAYER, refused.responseCode().layer(),
                    "another space may not flush it: " + refused.responseCode());
            assertEquals(List.of(session.handle()), raw.savedSessions());

            RmCounters before = saver.counters();
            tpm.execute(new FlushContext(session.handle()));
            RmCounters spent = saver.counters().minus(before);
            assertEquals(new RmCounters(1, 1, 0, 0, 1, 0, 0), spent, "one flush, sent once to the TPM");
            assertEquals(List.of(), raw.savedSessions(), "the TPM's saved session was flushed");
            assertEquals(List.of(), raw.loadedSessions());
            assertEquals(List.of(), tpm.savedSessions(), "the RM forgot it");

            TpmResponseException stale = assertThrows(TpmResponseException.class,
                    () -> tpm.execute(new ContextLoad(saved)));
            assertEquals(onTheTpm, stale.responseCode(), "the flushed session's context fails as on the TPM");
            assertEquals(List.of(), raw.loadedSessions());
            assertEquals(List.of(), raw.savedSessions());
        }
    }

    /** What the TPM itself answers: StartAuthSession, ContextSave, FlushContext, then ContextLoad of that context. */
    private ResponseCode loadAfterFlushOnTheRawTpm() {
        AuthSession session = raw.startSession(Session.hmac(TpmAlg.SHA256));
        SavedContext saved = raw.execute(new ContextSave(session.handle())).context();
        raw.execute(new FlushContext(session.handle()));
        assertEquals(List.of(), raw.savedSessions());
        return assertThrows(TpmResponseException.class, () -> raw.execute(new ContextLoad(saved))).responseCode();
    }
}
