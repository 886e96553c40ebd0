package io.tpm4j.rm;

import io.tpm4j.api.types.SavedContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context gap: a TPM refuses to save a session (TPM_RC_CONTEXT_GAP) once its context counter has run
 * TPM_PT_CONTEXT_GAP_MAX past the oldest saved session. Tracks how old saved sessions are and re-saves the
 * oldest (loads it and saves it again, which gives it the newest sequence) before the gap is reached, or when
 * the TPM reports it, as tpm2-abrmd does; the kernel does not.
 *
 * <p>A re-save may itself meet the gap: to load the oldest session it may have to swap another one out, and that
 * save can answer TPM_RC_CONTEXT_GAP. A second re-save must not start inside the first, which is still working
 * on the session and the slots: {@link #resaving} says one is under way, and only the call that set it clears
 * it, so no nested call can. Guarded by the chip's command lock.
 */
final class ContextGap {

    private static final Logger log = LoggerFactory.getLogger(ContextGap.class);
    /** Re-saves after one session save, at most: each makes the next oldest the one to measure from. */
    private static final int MAX_RESAVES_PER_SAVE = 4;

    private final Swapper swapper;
    private final Tracker tracker;
    private final ChipLink link;
    private final boolean enabled;
    private final long gapMax;
    private long newestSequence;
    private boolean resaving;

    ContextGap(Swapper swapper, Tracker tracker, ChipLink link, boolean enabled, long gapMax) {
        this.swapper = swapper;
        this.tracker = tracker;
        this.link = link;
        this.enabled = enabled;
        this.gapMax = gapMax;
    }

    /** Called after every session save the RM sees; re-saves the oldest saved session before the gap is reached. */
    void sessionSaved(Space space, long sequence, long serial) {
        newestSequence = Math.max(newestSequence, sequence);
        if (!enabled || resaving) {
            return;
        }
        for (int i = 0; i < MAX_RESAVES_PER_SAVE; i++) {
            TrackedSession oldest = tracker.oldestSavedSession();
            if (oldest == null || newestSequence - oldest.sequence() < gapMax / 2) {
                return;
            }
            if (!resave(space, oldest, serial)) {
                return;
            }
        }
    }

    /**
     * The TPM reported the gap: re-saves the oldest saved session. False when that was not possible, or when a
     * re-save is already under way (the TPM's answer then stands).
     */
    boolean resaveOldest(Space space, long serial) {
        if (!enabled) {
            return false;
        }
        TrackedSession oldest = tracker.oldestSavedSession();
        return oldest != null && resave(space, oldest, serial);
    }

    private boolean resave(Space space, TrackedSession session, long serial) {
        if (resaving) {
            return false;
        }
        resaving = true;
        try {
            return loadAndSaveAgain(space, session, serial);
        } finally {
            resaving = false;
        }
    }

    /**
     * Loads a saved session and saves it again, giving it the newest context sequence; a client-saved session
     * keeps the bytes its client holds, and the RM loads the new context when the client presents them.
     */
    private boolean loadAndSaveAgain(Space space, TrackedSession session, long serial) {
        swapper.makeRoomForSession(space, serial);
        Housekeeping.Answer<Integer> loaded = swapper.loadContext(space, session.savedContext(), serial);
        if (!loaded.ok()) {
            log.debug("{}: could not load {} to re-save it ({}); forgetting it", space.name(), session,
                    loaded.code());
            tracker.drop(session);
            return true;
        }
        Housekeeping.Answer<SavedContext> saved = link.contextSave(space, session.handle());
        if (!saved.ok()) {
            log.warn("{}: {} was loaded to close the context gap but could not be saved again ({})",
                    space.name(), session, saved.code());
            session.leftLoadedByResave();
            return false;
        }
        long before = session.sequence();
        session.resaved(saved.value());
        newestSequence = Math.max(newestSequence, session.sequence());
        log.debug("{}: re-saved {} to close the context gap (sequence {} -> {})", space.name(), session,
                before, session.sequence());
        return true;
    }
}
