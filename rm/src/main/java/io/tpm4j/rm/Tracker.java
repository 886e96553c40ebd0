package io.tpm4j.rm;

import io.tpm4j.api.types.SavedContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every object and session the RM knows, across all spaces: which objects are loaded, each session by its
 * handle, virtual handles for new objects, and the clock that orders uses for least-recently-used eviction.
 * The tracked objects change their own state; this keeps the indexes in step with them. Guarded by the chip's
 * command lock.
 */
final class Tracker {

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

    /** A new object that a command of {@code space} created at {@code physicalHandle}; loaded, and the space's. */
    TrackedObject newObject(Space space, int physicalHandle, boolean sequence, long now) {
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

    /** The session at {@code handle} (a new one unless the RM knows it), started or loaded by {@code space}. */
    void loadedBy(Space space, int handle, long now) {
        TrackedSession session = sessions.get(handle);
        if (session == null) {
            session = new TrackedSession(handle, space, now);
            sessions.put(handle, session);
        } else {
            session.loadedBy(space, now);
        }
        space.adopt(session);
    }

    /** A client saved the session: it leaves the space that owned it. */
    void savedByClient(Space space, TrackedSession session, byte[] clientBytes, SavedContext context) {
        space.release(session);
        session.savedByClient(space, clientBytes, context, tick());
    }

    /** The session left the TPM, or the RM lost it: it is forgotten. */
    void drop(TrackedSession session) {
        sessions.remove(session.handle());
        if (session.owner() != null) {
            session.owner().release(session);
        }
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

    List<TrackedSession> clientSavedSessions() {
        List<TrackedSession> saved = new ArrayList<>();
        for (TrackedSession session : sessions.values()) {
            if (session.isClientSaved()) {
                saved.add(session);
            }
        }
        return saved;
    }
}
