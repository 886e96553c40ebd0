package io.tpm4j.rm;

import io.tpm4j.api.TpmTransport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One client's view of a TPM shared through a {@link ResourceManager}: a {@link TpmTransport} that behaves like
 * a TPM of its own. Its transient objects have virtual handles that mean nothing elsewhere; its sessions and
 * objects cannot be named, flushed or listed by any other space; closing it flushes everything it still holds.
 *
 * <p>Thread-safe; commands from several threads on one space keep their arrival order. Spaces take turns at the
 * TPM: round-robin across peers (the owner given to {@link ResourceManager#openSpace(String, Object)}), then
 * across the spaces of a peer, so neither many threads on one space nor many spaces of one peer get more than
 * one turn per round. After the chip is
 * removed every command fails with {@link io.tpm4j.api.TpmDeviceRemovedException}, and {@link #close()} still
 * works.
 */
public final class Space implements TpmTransport {

    private final ResourceManager rm;
    private final String name;
    private final Counters counters = new Counters();
    /** The resource manager's counts, which every event of this space counts towards too. */
    private final Counters chipCounters;
    /** This space's place in the chip's turns: its own, within its peer's. */
    final FairCommandQueue.Flow flow;
    // Guarded by the chip's command lock.
    private final Map<Integer, TrackedObject> objects = new HashMap<>();
    private final Set<TrackedSession> sessions = new LinkedHashSet<>();
    /** Sessions this space context-saved itself and nobody has loaded since: still charged to it. */
    private final Set<TrackedSession> savedSessions = new LinkedHashSet<>();
    private volatile boolean closed;

    Space(ResourceManager rm, String name, Counters chipCounters, Object peer) {
        this.rm = rm;
        this.name = name;
        this.chipCounters = chipCounters;
        this.flow = new FairCommandQueue.Flow(peer, this);
    }

    /** The name given when the space was opened, with a number that makes it unique. */
    public String name() {
        return name;
    }

    public boolean isOpen() {
        return !closed;
    }

    /** What this space has cost the TPM so far. */
    public RmCounters counters() {
        return counters.snapshot();
    }

    @Override
    public byte[] transmit(byte[] command) {
        return rm.execute(this, command);
    }

    /** Flushes every object and session the space still holds; idempotent, and needs no TPM once it is removed. */
    @Override
    public void close() {
        rm.close(this);
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    /** Marks the space closed; false when it already was. */
    boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /** Counts {@code event} for this space and for its resource manager. */
    void count(Counters.Event event) {
        counters.add(event);
        chipCounters.add(event);
    }

    /** The space's object at {@code virtualHandle}, or null. */
    TrackedObject object(int virtualHandle) {
        return objects.get(virtualHandle);
    }

    int objectCount() {
        return objects.size();
    }

    List<TrackedObject> objects() {
        return List.copyOf(objects.values());
    }

    /** The virtual handles of the space's objects, in no particular order. */
    List<Integer> objectHandles() {
        return new ArrayList<>(objects.keySet());
    }

    void adopt(TrackedObject object) {
        objects.put(object.virtualHandle(), object);
    }

    void release(TrackedObject object) {
        objects.remove(object.virtualHandle());
    }

    /** The sessions charged to this space against its quota and share: those it owns and those it saved. */
    int chargedSessionCount() {
        return sessions.size() + savedSessions.size();
    }

    List<TrackedSession> sessions() {
        return List.copyOf(sessions);
    }

    void adopt(TrackedSession session) {
        sessions.add(session);
    }

    void release(TrackedSession session) {
        sessions.remove(session);
    }

    boolean owns(TrackedSession session) {
        return sessions.contains(session);
    }

    List<TrackedSession> savedSessions() {
        return List.copyOf(savedSessions);
    }

    boolean saved(TrackedSession session) {
        return savedSessions.contains(session);
    }

    void adoptSaved(TrackedSession session) {
        savedSessions.add(session);
    }

    void releaseSaved(TrackedSession session) {
        savedSessions.remove(session);
    }

    boolean owns(TrackedObject object) {
        return objects.get(object.virtualHandle()) == object;
    }

    @Override
    public String toString() {
        return "Space[" + name + (closed ? ", closed]" : "]");
    }
}
