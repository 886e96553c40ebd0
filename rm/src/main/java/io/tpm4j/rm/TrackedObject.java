package io.tpm4j.rm;

import io.tpm4j.api.types.SavedContext;

/**
 * A transient object (key, sequence, loaded external key) that a space owns: its virtual handle, and either the
 * TPM handle it is loaded at or the context the RM saved when it swapped the object out. Guarded by the chip's
 * command lock.
 */
final class TrackedObject {
    private static final int NOT_LOADED = 0;

    private final Space owner;
    private final int virtualHandle;
    /** A hash, HMAC or event sequence, whose state changes while it is loaded. */
    private final boolean sequence;
    private int physicalHandle;
    /**
     * TPMS_CONTEXT as TPM2_ContextSave returned it. Kept while the object is loaded again, unless it is a
     * sequence: a key's context stays valid and loads any number of times, so swapping it out again needs only
     * TPM2_FlushContext; a hash or HMAC sequence changes with every update and must be saved anew.
     */
    private SavedContext savedContext;
    private long lastUse;
    /** The serial of the command that needs this object loaded; such an object is never evicted for that command. */
    private long pinnedFor = -1;

    TrackedObject(Space owner, int virtualHandle, int physicalHandle, boolean sequence, long now) {
        this.owner = owner;
        this.virtualHandle = virtualHandle;
        this.physicalHandle = physicalHandle;
        this.sequence = sequence;
        this.lastUse = now;
    }

    Space owner() {
        return owner;
    }

    int virtualHandle() {
        return virtualHandle;
    }

    int physicalHandle() {
        return physicalHandle;
    }

    boolean loaded() {
        return physicalHandle != NOT_LOADED;
    }

    /** The context that brings the object back; null while none is valid. */
    SavedContext savedContext() {
        return savedContext;
    }

    long lastUse() {
        return lastUse;
    }

    boolean pinnedFor(long serial) {
        return pinnedFor == serial;
    }

    /** Command {@code serial} needs the object: it stays loaded until that command is sent. */
    void pin(long serial) {
        pinnedFor = serial;
    }

    void used(long now) {
        lastUse = now;
    }

    /**
     * Loaded (again) at {@code handle}. The context stays valid for a key, not for a sequence, nor under the
     * kernel's policy, which saves every time.
     */
    void loadedAt(int handle, boolean keepContext) {
        physicalHandle = handle;
        if (sequence || !keepContext) {
            savedContext = null;
        }
    }

    /** Saved by the RM; the object is still loaded until it is flushed. */
    void saved(SavedContext context) {
        savedContext = context;
    }

    /** Flushed from the TPM by the RM; its context brings it back. */
    void unloaded() {
        physicalHandle = NOT_LOADED;
    }

    /** Gone for good: neither loaded nor restorable. */
    void forgotten() {
        physicalHandle = NOT_LOADED;
        savedContext = null;
    }

    @Override
    public String toString() {
        return String.format("object 0x%08x of %s (%s)", virtualHandle, owner.name(),
                loaded() ? String.format("at 0x%08x", physicalHandle) : "swapped out");
    }
}
