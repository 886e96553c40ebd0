package io.tpm4j.rm;

import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmHt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Brings what the RM tracks back in line with what the TPM holds, after a command whose outcome is unknown
 * (timeout, broken framing, a response the RM could not parse) or one that may flush objects by itself
 * (TPM2_Clear and other "extensive" commands): objects and sessions the TPM holds that nobody tracks are flushed,
 * tracked ones the TPM no longer holds are forgotten (so that a handle the TPM gives out again is nobody's
 * stale record), and a session found in the other state than the RM believed is put right or, when its context
 * is lost, flushed. Guarded by the chip's command lock.
 */
final class Resync {

    private static final Logger log = LoggerFactory.getLogger(Resync.class);
    /** Session handles of either type share one slot number space in the TPM. */
    private static final int SLOT = 0x00FF_FFFF;

    private final Tracker tracker;
    private final ChipLink link;

    Resync(Tracker tracker, ChipLink link) {
        this.tracker = tracker;
        this.link = link;
    }

    /** What the last command did is unknown (its answer did not make sense): re-read before the next one. */
    void outcomeUnknown() {
        link.outcomeUnknown();
    }

    /** Before the next command, when the last one's outcome is unknown (a Load that timed out may have run). */
    void ifNeeded(Space space) {
        if (!link.resyncNeeded()) {
            return;
        }
        link.resynced();
        objects(space);
        sessions(space);
    }

    /** Flushes transient objects nobody tracks; forgets tracked ones that are gone (unless their context remains). */
    void objects(Space space) {
        Map<Integer, TrackedObject> byPhysical = new HashMap<>();
        for (TrackedObject object : tracker.loadedObjects()) {
            byPhysical.put(object.physicalHandle(), object);
        }
        for (int handle : link.handles(space, TpmHt.TRANSIENT.firstHandle())) {
            if (byPhysical.remove(handle) == null) {
                log.debug("{}: flushing untracked object 0x{}", space.name(), Integer.toHexString(handle));
                link.flush(space, handle);
            }
        }
        for (TrackedObject gone : byPhysical.values()) {
            tracker.unloaded(gone);
            if (gone.savedContext() == null) {
                log.debug("{}: {} is no longer in the TPM; forgetting it", space.name(), gone);
                tracker.forget(gone);
            }
        }
    }

    private void sessions(Space space) {
        Map<Integer, Integer> loaded = bySlot(space, TpmHt.HMAC_SESSION.firstHandle());
        Map<Integer, Integer> saved = bySlot(space, TpmHt.POLICY_SESSION.firstHandle());
        for (TrackedSession session : tracker.sessions()) {
            boolean isLoaded = loaded.remove(session.handle() & SLOT) != null;
            boolean isSaved = saved.remove(session.handle() & SLOT) != null;
            if (!isLoaded && !isSaved) {
                log.debug("{}: {} is no longer in the TPM; forgetting it", space.name(), session);
                tracker.drop(session);
            } else if (isLoaded && !session.loaded()) {
                loadedBehindOurBack(space, session);
            } else if (isSaved && session.loaded()) {
                // Saved by a command whose answer was lost: the context that would bring it back is gone.
                log.debug("{}: {} was saved without the RM getting its context; flushing it", space.name(), session);
                tracker.drop(session);
                link.flush(space, session.handle());
            }
        }
        Set<Integer> untracked = new HashSet<>(loaded.values());
        untracked.addAll(saved.values());
        for (int handle : untracked) {
            log.debug("{}: flushing untracked session 0x{}", space.name(), Integer.toHexString(handle));
            link.flush(space, handle);
        }
    }

    /** A ContextLoad whose answer was lost did load it: an owned session is loaded now, a client's saved again. */
    private void loadedBehindOurBack(Space space, TrackedSession session) {
        if (session.owner() != null) {
            session.swappedIn();
            return;
        }
        Housekeeping.Answer<SavedContext> again = link.contextSave(space, session.handle());
        if (again.ok() && again.value().savedHandle() == session.handle()) {
            session.resaved(again.value());
        } else {
            log.debug("{}: {} was loaded and could not be saved again ({}); flushing it", space.name(), session,
                    again.code());
            tracker.drop(session);
            link.flush(space, session.handle());
        }
    }

    private Map<Integer, Integer> bySlot(Space space, int range) {
        Map<Integer, Integer> handles = new HashMap<>();
        for (int handle : link.sessions(space, range)) {
            handles.put(handle & SLOT, handle);
        }
        return handles;
    }
}
