package io.tpm4j.rm;

import io.tpm4j.api.types.SavedContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every object and session the RM knows, across all spaces: which objects are loaded, each session by its
 * handle, virtual handles for new objects, and the clock that orders uses for least-recently-used eviction.
 * The tracked objects change their own state; this keeps the indexes in step with them. Guarded by the chip's
 * command lock.
 */
final class Tracker {

    private static final Logger log = LoggerFactory.getLogger(Tracker.class);

    /** Virtual handles are drawn from the upper half of the transient range, so they never look like the TPM's. */
    private static final int FIRST_VIRTUAL = 0x8080_0000;
    private static final int LAST_VIRTUAL = 0x80FF_FFFF;

    private final List<TrackedObject> loadedObjects = new ArrayList<>();
    private final Map<Integer, TrackedSession> sessions = new HashMap<>();
    private int nextVirtual = FIRST_VIRTUAL;
    private long clock;

    /** The next tick of the use clock. */
    long tick() {
        return ++clock;
    }

    // Objects.

    /**
     * A new object that a command of {@code space} created at {@code physicalHandle}; loaded, and the space's. A
     * tracked object the RM believed loaded at that handle cannot be there any more (the TPM gave its handle to
     * the new one, after a command whose outcome was lost): it is swapped out if its context remains, else
     * forgotten, so that nobody's close flushes the new object.
     */
    TrackedObject newObject(Space space, int physicalHandle, boolean sequence, long now) {
        for (TrackedObject stale : loadedObjects()) {
            if (stale.physicalHandle() == physicalHandle) {
                log.debug("{}: the TPM gave 0x{} to a new object; {} is no longer there", space.name(),
                        Integer.toHexString(physicalHandle), stale);
                unloaded(stale);
                if (stale.savedContext() == null) {
                    forget(stale);
                }
            }
        }
        TrackedObject object = new TrackedObject(space, newVirtualHandle(space), physicalHandle, sequence, now);
        space.adopt(object);
        loadedObjects.add(object);
        return object;
    }

    private int newVirtualHandle(Space space) {
        while (true) {
            int handle = nextVirtual;
            nextVirtual = handle == LAST_VIRTUAL ? FIRST_VIRTUAL : handle + 1;
            if (space.object(handle) == null) {
                return handle;
            }
        }
    }

    List<TrackedObject> loadedObjects() {
        return List.copyOf(loadedObjects);
    }

    int loadedObjectCount() {
        return loadedObjects.size();
    }

    void loaded(TrackedObject object, int physicalHandle, boolean keepContext) {
        object.loadedAt(physicalHandle, keepContext);
        loadedObjects.add(object);
    }

    /** Flushed by the RM; the object's saved context brings it back. */
    void unloaded(TrackedObject object) {
        loadedObjects.remove(object);
        object.unloaded();
    }

    /** The object left the TPM with a client's command (flushed): it leaves its space too. */
    void flushed(TrackedObject object) {
        loadedObjects.remove(object);
        object.owner().release(object);
    }

    /** The object is gone for good, wherever it was. */
    void forget(TrackedObject object) {
        flushed(object);
        object.forgotten();
    }

    // Sessions.

    /** The session at {@code handle}, whoever owns it; null when the RM does not know it. */
    TrackedSession session(int handle) {
        return sessions.get(handle);
    }

    List<TrackedSession> sessions() {
        return List.copyOf(sessions.values());
    }

    /**
     * A session {@code space} started at {@code handle}. A session the RM still tracked at that handle is gone
     * from the TPM (it reused the handle, after a command whose outcome was lost): that record is dropped, so
     * that its old space neither sees the new session nor flushes it on close.
     */
    void started(Space space, int handle, long now) {
        TrackedSession stale = sessions.get(handle);
        if (stale != null) {
            log.debug("{}: the TPM gave 0x{} to a new session; {} is no longer there", space.name(),
                    Integer.toHexString(handle), stale);
            drop(stale);
        }
        adoptNew(space, handle, now);
    }

    /**
     * A session {@code space} loaded from a context (TPM2_ContextLoad). The RM's record of a client-saved session
     * at that handle is that session, which changes hands; any other record is stale and dropped.
     */
    void loadedBy(Space space, int handle, long now) {
        TrackedSession session = sessions.get(handle);
        if (session == null || !session.isClientSaved()) {
            started(space, handle, now);
            return;
        }
        releaseFromSaver(session);
        session.loadedBy(space, now);
        space.adopt(session);
    }

    private void adoptNew(Space space, int handle, long now) {
        TrackedSession session = new TrackedSession(handle, space, now);
        sessions.put(handle, session);
        space.adopt(session);
    }

    /** A client saved the session: it leaves the space that owned it, which stays charged for it. */
    void savedByClient(Space space, TrackedSession session, byte[] clientBytes, SavedContext context) {
        space.release(session);
        session.savedByClient(space, clientBytes, context, tick());
        space.adoptSaved(session);
    }

    /** The space that saved the session closed: it waits, charged to nobody, for whoever holds its blob. */
    void abandon(TrackedSession session) {
        releaseFromSaver(session);
        session.abandon();
    }

    private static void releaseFromSaver(TrackedSession session) {
        Space saver = session.savedBy();
        if (saver != null) {
            saver.releaseSaved(session);
        }
    }

    /** The session left the TPM, or the RM lost it: it is forgotten. */
    void drop(TrackedSession session) {
        if (sessions.get(session.handle()) == session) {
            sessions.remove(session.handle());
        }
        if (session.owner() != null) {
            session.owner().release(session);
        }
        releaseFromSaver(session);
    }

    int sessionCount() {
        return sessions.size();
    }

    /** Client-saved sessions whose space has closed, oldest first. */
    List<TrackedSession> abandonedSessions() {
        List<TrackedSession> abandoned = new ArrayList<>();
        for (TrackedSession session : sessions.values()) {
            if (session.isAbandoned()) {
                abandoned.add(session);
            }
        }
        abandoned.sort(Comparator.comparingLong(TrackedSession::lastUse));
        return abandoned;
    }

    int loadedSessionCount() {
        int n = 0;
        for (TrackedSession session : sessions.values()) {
            if (session.loaded()) {
                n++;
            }
        }
        return n;
    }

    /** Loaded sessions that command {@code serial} does not need. */
    List<TrackedSession> loadedSessionsNotPinnedFor(long serial) {
        List<TrackedSession> loaded = new ArrayList<>();
        for (TrackedSession session : sessions.values()) {
            if (session.loaded() && !session.pinnedFor(serial)) {
                loaded.add(session);
            }
        }
        return loaded;
    }

    /** The saved session with the oldest context, the one the context gap is measured from; null if none. */
    TrackedSession oldestSavedSession() {
        TrackedSession oldest = null;
        for (TrackedSession session : sessions.values()) {
            if (!session.loaded() && session.savedContext() != null
                    && (oldest == null || session.sequence() < oldest.sequence())) {
                oldest = session;
            }
        }
        return oldest;
    }

    /** What the RM believes the TPM holds for it: loaded objects' handles and every session's handle. */
    List<Integer> handlesInTpm() {
        List<Integer> handles = new ArrayList<>();
        loadedObjects.forEach(object -> handles.add(object.physicalHandle()));
        handles.addAll(sessions.keySet());
        return handles;
    }

    /**
     * What is wrong with the tracking, if anything: the indexes must agree with the entities' states and with
     * the spaces that hold them ({@code open}: every open space). Empty when consistent; for tests and fuzzing.
     */
    List<String> inconsistencies(Collection<Space> open) {
        List<String> problems = new ArrayList<>();
        Set<Integer> physical = new HashSet<>();
        for (TrackedObject object : loadedObjects) {
            if (!object.loaded() || !physical.add(object.physicalHandle())) {
                problems.add(object + " is listed as loaded twice or not loaded");
            }
            if (!open.contains(object.owner()) || !object.owner().owns(object)) {
                problems.add(object + " is loaded but its space does not hold it");
            }
        }
        for (Map.Entry<Integer, TrackedSession> entry : sessions.entrySet()) {
            TrackedSession session = entry.getValue();
            if (entry.getKey() != session.handle()) {
                problems.add(session + " is indexed under 0x" + Integer.toHexString(entry.getKey()));
            }
            switch (session.state()) {
                case LOADED, SAVED -> {
                    if (session.owner() == null || !open.contains(session.owner()) || !session.owner().owns(session)) {
                        problems.add(session + " has no open space that holds it");
                    }
                }
                case CLIENT_SAVED -> {
                    if (session.owner() != null || (session.savedBy() != null
                            && (!open.contains(session.savedBy()) || !session.savedBy().saved(session)))) {
                        problems.add(session + " is client-saved but owned, or charged to a space that lost it");
                    }
                }
            }
            if (session.state() != TrackedSession.State.LOADED && session.savedContext() == null) {
                problems.add(session + " is not loaded and has no context to bring it back");
            }
        }
        for (Space space : open) {
            for (TrackedObject object : space.objects()) {
                if (object.owner() != space || (object.loaded() ? !loadedObjects.contains(object)
                        : object.savedContext() == null)) {
                    problems.add(object + " in " + space.name() + " is neither loaded nor restorable");
                }
            }
            for (TrackedSession session : space.sessions()) {
                if (sessions.get(session.handle()) != session || session.owner() != space) {
                    problems.add(session + " in " + space.name() + " is not tracked as its");
                }
            }
            for (TrackedSession session : space.savedSessions()) {
                if (sessions.get(session.handle()) != session || session.savedBy() != space) {
                    problems.add(session + " saved by " + space.name() + " is not tracked as such");
                }
            }
        }
        return problems;
    }
}
