package io.tpm4j.rm;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Swapping: brings objects and sessions into the TPM for a command (TPM2_ContextLoad) and makes room for them by
 * swapping the least recently used ones out (TPM2_ContextSave, TPM2_FlushContext). What a command needs is
 * pinned for its serial and never evicted for it. Also sends commands again when the TPM says it has no room.
 * Owns the {@link ContextGap}, which it calls when a save meets the gap. Guarded by the chip's command lock.
 */
final class Swapper {

    private static final Logger log = LoggerFactory.getLogger(Swapper.class);

    private final Tracker tracker;
    private final ChipLink link;
    private final ContextGap gap;
    private final int objectSlots;
    private final int sessionSlots;
    /** False under the kernel's policy, which saves everything after every command anyway. */
    private final boolean keepContexts;

    Swapper(Tracker tracker, ChipLink link, ResourceManager.Options options, int objectSlots, int sessionSlots,
            long contextGapMax) {
        this.tracker = tracker;
        this.link = link;
        this.objectSlots = objectSlots;
        this.sessionSlots = sessionSlots;
        this.keepContexts = options.swapping() == ResourceManager.Swapping.LAZY;
        this.gap = new ContextGap(this, tracker, link, options.avoidContextGap(), contextGapMax);
    }

    ContextGap gap() {
        return gap;
    }

    void makeRoomForObject(Space space, long serial) {
        while (tracker.loadedObjectCount() >= objectSlots && evictLeastRecentObject(space, serial)) {
            // Each pass frees one slot or stops.
        }
    }

    void makeRoomForSession(Space space, long serial) {
        while (tracker.loadedSessionCount() >= sessionSlots && evictLeastRecentSession(space, serial)) {
            // Each pass frees one slot or stops.
        }
    }

    /**
     * Brings a swapped-out object or session back, after making room for it. Returns 0, or the TPM's code when
     * its context does not load: a warning leaves it as it is, an error means it is gone and it is forgotten.
     */
    int load(Space space, Tracked entity, long serial) {
        switch (entity) {
            case TrackedObject o -> makeRoomForObject(space, serial);
            case TrackedSession s -> makeRoomForSession(space, serial);
        }
        Housekeeping.Answer<Integer> loaded = loadContext(space, entity.savedContext(), serial);
        if (loaded.ok()) {
            switch (entity) {
                case TrackedObject object -> tracker.loaded(object, loaded.value(), keepContexts);
                case TrackedSession session -> session.swappedIn();
            }
        } else if (!loaded.code().isWarning()) {
            switch (entity) {
                case TrackedObject object -> tracker.forget(object);
                case TrackedSession session -> tracker.drop(session);
            }
        }
        return loaded.rc();
    }

    /** TPM2_ContextLoad, counted as a context load, sent again after making room when the TPM asks for it. */
    Housekeeping.Answer<Integer> loadContext(Space space, SavedContext context, long serial) {
        space.count(Counters.Event.CONTEXT_LOAD);
        TpmTransport makingRoom = command -> sendMakingRoom(space, command, serial);
        return link.parsed(() -> Housekeeping.contextLoad(makingRoom, context));
    }

    /**
     * Sends a command; when the TPM says it has no room (objects or sessions the RM does not know about take
     * slots too) or the context gap is reached, swaps out the least recently used entity not pinned for
     * {@code serial}, or re-saves the oldest session, and sends it again, a bounded number of times.
     */
    byte[] sendMakingRoom(Space space, byte[] command, long serial) {
        for (int tries = 0; ; tries++) {
            byte[] response = link.send(space, command);
            int rc = BigEndian.u32(response, 6);
            boolean retry = false;
            if (tries < objectSlots + sessionSlots + 2) {
                if (rc == TpmRc.OBJECT_MEMORY.value()) {
                    retry = evictLeastRecentObject(space, serial);
                } else if (rc == TpmRc.SESSION_MEMORY.value()) {
                    retry = evictLeastRecentSession(space, serial);
                } else if (rc == TpmRc.CONTEXT_GAP.value()) {
                    retry = gap.resaveOldest(space, serial);
                }
            }
            if (!retry) {
                return response;
            }
            log.debug("{}: {} answered {}; made room and sending it again", space.name(),
                    TpmCc.describe(TpmHeader.commandCode(command)), new ResponseCode(rc));
        }
    }

    /** The kernel's policy: everything out after every command. */
    void swapOutEverything(Space space, long serial) {
        for (TrackedObject object : tracker.loadedObjects()) {
            swapOut(space, object);
        }
        for (TrackedSession session : tracker.sessions()) {
            if (session.loaded()) {
                swapOut(space, session, serial);
            }
        }
    }

    private boolean evictLeastRecentObject(Space space, long serial) {
        TrackedObject victim = leastRecent(tracker.loadedObjects(),
                o -> o.pinnedFor(serial) ? Long.MAX_VALUE : o.lastUse());
        if (victim == null || victim.pinnedFor(serial)) {
            return false;
        }
        space.count(Counters.Event.EVICTION);
        log.debug("{}: swapping out {}", space.name(), victim);
        return swapOut(space, victim);
    }

    private boolean evictLeastRecentSession(Space space, long serial) {
        TrackedSession victim = leastRecent(tracker.loadedSessionsNotPinnedFor(serial), TrackedSession::lastUse);
        if (victim == null) {
            return false;
        }
        space.count(Counters.Event.EVICTION);
        log.debug("{}: swapping out {}", space.name(), victim);
        return swapOut(space, victim, serial);
    }

    private static <T> T leastRecent(List<T> candidates, ToLongFunction<T> age) {
        T best = null;
        long bestAge = Long.MAX_VALUE;
        for (T candidate : candidates) {
            long a = age.applyAsLong(candidate);
            if (best == null || a < bestAge) {
                best = candidate;
                bestAge = a;
            }
        }
        return best;
    }

    /**
     * ContextSave + FlushContext, or only the flush when the object's earlier context is still valid; an object
     * that is already gone is forgotten (a normal outcome).
     */
    private boolean swapOut(Space space, TrackedObject object) {
        if (object.savedContext() == null) {
            Housekeeping.Answer<SavedContext> saved = link.contextSave(space, object.physicalHandle());
            if (!saved.ok()) {
                log.debug("{}: saving {} failed with {}; forgetting it", space.name(), object, saved.code());
                link.flush(space, object.physicalHandle());
                tracker.forget(object);
                return true;
            }
            // Kept before the flush: if the flush's outcome is lost, the resync still finds the object swapped out.
            object.saved(saved.value());
        }
        link.flush(space, object.physicalHandle());
        tracker.unloaded(object);
        return true;
    }

    /** ContextSave alone frees a session's slot; the session keeps its handle. */
    private boolean swapOut(Space space, TrackedSession session, long serial) {
        Housekeeping.Answer<SavedContext> saved = link.contextSave(space, session.handle());
        if (saved.rc() == TpmRc.CONTEXT_GAP.value() && gap.resaveOldest(space, serial)) {
            if (!session.loaded()) {
                // The re-save needed a slot and swapped this very session out (or lost it): nothing left to do.
                return true;
            }
            saved = link.contextSave(space, session.handle());
        }
        if (saved.rc() == TpmRc.CONTEXT_GAP.value()) {
            log.debug("{}: saving {} failed with {}; it stays loaded", space.name(), session, saved.code());
            return false;
        }
        if (!saved.ok()) {
            log.debug("{}: saving {} failed with {}; forgetting it", space.name(), session, saved.code());
            tracker.drop(session);
            return true;
        }
        session.swappedOut(saved.value());
        gap.sessionSaved(space, session.sequence(), serial);
        return true;
    }
}
