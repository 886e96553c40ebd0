package io.tpm4j.rm;

import io.tpm4j.api.types.SavedContext;

/**
 * What the RM keeps of an object or a session alike: the space that owns it, the context that brings it back
 * when it is not loaded, when it was last used (least recently used goes first), and the command it is pinned
 * for (never evicted for that command). Guarded by the chip's command lock.
 */
abstract sealed class Tracked permits TrackedObject, TrackedSession {

    private Space owner;
    private SavedContext savedContext;
    private long lastUse;
    private long pinnedFor = -1;

    Tracked(Space owner, long now) {
        this.owner = owner;
        this.lastUse = now;
    }

    /** The space that owns it; null for a session a client saved and nobody has loaded since. */
    final Space owner() {
        return owner;
    }

    final void ownedBy(Space space) {
        owner = space;
    }

    /** The context that brings it back; null while none is kept. */
    final SavedContext savedContext() {
        return savedContext;
    }

    final void remember(SavedContext context) {
        savedContext = context;
    }

    final long lastUse() {
        return lastUse;
    }

    final void used(long now) {
        lastUse = now;
    }

    final boolean pinnedFor(long serial) {
        return pinnedFor == serial;
    }

    /** Command {@code serial} needs it: it stays loaded until that command is sent. */
    final void pin(long serial) {
        pinnedFor = serial;
    }
}
