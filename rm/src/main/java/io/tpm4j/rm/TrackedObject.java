package io.tpm4j.rm;

/**
 * A transient object (key, sequence, loaded external key) that a space owns: its virtual handle, and either the
 * TPM handle it is loaded at or the context the RM saved when it swapped the object out. Guarded by the chip's
 * command lock.
 */
final class TrackedObject {
    static final int NOT_LOADED = 0;

    final Space owner;
    final int virtualHandle;
    int physicalHandle = NOT_LOADED;
    /**
     * TPMS_CONTEXT as TPM2_ContextSave returned it. Kept while the object is loaded again, unless it is a
     * sequence: a key's context stays valid and loads any number of times, so swapping it out again needs only
     * TPM2_FlushContext; a hash or HMAC sequence changes with every update and must be saved anew.
     */
    byte[] savedContext;
    /** A hash, HMAC or event sequence, whose state changes while it is loaded. */
    final boolean sequence;
    long lastUse;
    /** The serial of the command that needs this object loaded; such an object is never evicted for that command. */
    long pinnedFor = -1;

    TrackedObject(Space owner, int virtualHandle, int physicalHandle, boolean sequence) {
        this.owner = owner;
        this.virtualHandle = virtualHandle;
        this.physicalHandle = physicalHandle;
        this.sequence = sequence;
    }

    boolean loaded() {
        return physicalHandle != NOT_LOADED;
    }

    @Override
    public String toString() {
        return String.format("object 0x%08x of %s (%s)", virtualHandle, owner.name(),
                loaded() ? String.format("at 0x%08x", physicalHandle) : "swapped out");
    }
}
