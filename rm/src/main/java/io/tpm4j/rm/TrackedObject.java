package io.tpm4j.rm;

import io.tpm4j.api.types.SavedContext;

/**
 * A transient object (key, sequence, loaded external key) that a space owns: its virtual handle, and either the
 * TPM handle it is loaded at or the context the RM saved when it swapped the object out. Guarded by the chip's
 * command lock.
 */
final class TrackedObject extends Tracked {
    private static final int NOT_LOADED = 0;

    private final int virtualHandle;
    /** A hash, HMAC or event sequence, whose state changes while it is loaded. */
    private final boolean sequence;
    private int physicalHandle;

    TrackedObject(Space owner, int virtualHandle, int physicalHandle, boolean sequence, long now) {
        super(owner, now);
        this.virtualHandle = virtualHandle;
        this.physicalHandle = physicalHandle;
        this.sequence = sequence;
    }

    boolean loaded() {
        return physicalHandle != NOT_LOADED;
    }

    int virtualHandle() {
        return virtualHandle;
    }

    int physicalHandle() {
        return physicalHandle;
    }

    /**
     * Loaded (again) at {@code handle}. The saved context stays valid for a key, which loads any number of times,
     * so swapping it out again needs only TPM2_FlushContext; not for a sequence, which changes with every update
     * and must be saved anew; nor under the kernel's policy, which saves every time.
     */
    void loadedAt(int handle, boolean keepContext) {
        physicalHandle = handle;
        if (sequence || !keepContext) {
            remember(null);
        }
    }

    /** Saved by the RM; the object is still loaded until it is flushed. */
    void saved(SavedContext context) {
        remember(context);
    }

    /** Flushed from the TPM by the RM; its context brings it back. */
    void unloaded() {
        physicalHandle = NOT_LOADED;
    }

    /** Gone for good: neither loaded nor restorable. */
    void forgotten() {
        physicalHandle = NOT_LOADED;
        remember(null);
    }

    @Override
    public String toString() {
        return String.format("object 0x%08x of %s (%s)", virtualHandle, owner().name(),
                loaded() ? String.format("at 0x%08x", physicalHandle) : "swapped out");
    }
}
