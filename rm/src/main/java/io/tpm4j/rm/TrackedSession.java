package io.tpm4j.rm;

/**
 * An authorisation session the RM knows. A session keeps its handle when saved and loaded, so session handles
 * are not virtualised; ownership is what isolates them. Guarded by the chip's command lock.
 */
final class TrackedSession {

    enum State {
        /** Loaded in the TPM, owned by a space. */
        LOADED,
        /** Owned by a space, swapped out by the RM: {@link #savedContext} brings it back. */
        SAVED,
        /**
         * Context-saved by a client, owned by nobody until some space loads it. The RM keeps its own copy of
         * the context (it may re-save it to close the context gap) and the bytes the client got.
         */
        CLIENT_SAVED
    }

    final int handle;
    Space owner;
    State state;
    byte[] savedContext;
    /** TPMS_CONTEXT.sequence of {@link #savedContext}: how old the saved context is on the TPM's context counter. */
    long sequence;
    /** The context bytes the client holds, for a client-saved session; it may present them later to load it. */
    byte[] clientContext;
    /** For a client-saved session: the space that saved it (which alone sees it in GetCapability). */
    Space savedBy;
    long lastUse;
    long pinnedFor = -1;

    TrackedSession(int handle, Space owner) {
        this.handle = handle;
        this.owner = owner;
        this.state = State.LOADED;
    }

    @Override
    public String toString() {
        return String.format("session 0x%08x (%s, %s)", handle, state,
                owner != null ? owner.name() : "saved by " + (savedBy == null ? "a client" : savedBy.name()));
    }
}
