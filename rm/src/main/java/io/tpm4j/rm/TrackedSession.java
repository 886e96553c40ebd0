package io.tpm4j.rm;

import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmHt;

import java.util.Arrays;

/**
 * An authorisation session the RM knows. A session keeps its handle when saved and loaded, so session handles
 * are not virtualised; ownership is what isolates them. Guarded by the chip's command lock.
 */
final class TrackedSession extends Tracked {

    enum State {
        /** Loaded in the TPM, owned by a space. */
        LOADED,
        /** Owned by a space, swapped out by the RM: its saved context brings it back. */
        SAVED,
        /**
         * Context-saved by a client, owned by nobody until some space loads it. The RM keeps its own copy of
         * the context (it may re-save it to close the context gap) and the bytes the client got.
         */
        CLIENT_SAVED
    }

    private final int handle;
    private State state = State.LOADED;
    /** The context bytes the client holds, for a client-saved session; it may present them later to load it. */
    private byte[] clientContext;
    /**
     * For a client-saved session: the space that saved it, which alone sees it in GetCapability and is charged
     * for it; null once that space closed (the session is abandoned).
     */
    private Space savedBy;

    /** A session {@code owner} started or loaded. */
    TrackedSession(int handle, Space owner, long now) {
        super(owner, now);
        this.handle = handle;
    }

    static boolean isSessionHandle(int handle) {
        return TpmHt.HMAC_SESSION.contains(handle) || TpmHt.POLICY_SESSION.contains(handle);
    }

    int handle() {
        return handle;
    }

    boolean loaded() {
        return state == State.LOADED;
    }

    boolean isClientSaved() {
        return state == State.CLIENT_SAVED;
    }

    /** Client-saved by a space that has closed since: nobody is charged for it; it waits for its blob's holder. */
    boolean isAbandoned() {
        return state == State.CLIENT_SAVED && savedBy == null;
    }

    /** The space charged for a client-saved session; null when abandoned or not client-saved. */
    Space savedBy() {
        return state == State.CLIENT_SAVED ? savedBy : null;
    }

    /** The space that saved it closed: the session stays for whoever holds its blob, charged to nobody. */
    void abandon() {
        savedBy = null;
    }

    /** Whether {@code space} saved this session itself and nobody has loaded it since. */
    boolean isClientSavedBy(Space space) {
        return state == State.CLIENT_SAVED && savedBy == space;
    }

    /** TPMS_CONTEXT.sequence of the saved context: how old it is on the TPM's context counter. */
    long sequence() {
        return savedContext().sequence();
    }

    /** Whether {@code context} is what the client got from its ContextSave of this session. */
    boolean isClientContext(byte[] context) {
        return Arrays.equals(context, clientContext);
    }

    /** Started or loaded by {@code space}, which owns it from now on. */
    void loadedBy(Space space, long now) {
        ownedBy(space);
        state = State.LOADED;
        remember(null);
        clientContext = null;
        savedBy = null;
        used(now);
    }

    /** Saved by the RM to free its slot; still the owner's. */
    void swappedOut(SavedContext context) {
        state = State.SAVED;
        remember(context);
    }

    /** Loaded back by the RM for its owner. */
    void swappedIn() {
        state = State.LOADED;
        remember(null);
    }

    /** Saved by its owner's client: it leaves the space; whoever loads the context later owns it. */
    void savedByClient(Space space, byte[] clientBytes, SavedContext context, long now) {
        ownedBy(null);
        savedBy = space;
        state = State.CLIENT_SAVED;
        remember(context);
        clientContext = clientBytes;
        used(now);
    }

    /** Loaded and saved again by the RM against the context gap: a newer context, the same state. */
    void resaved(SavedContext context) {
        remember(context);
    }

    /** Loaded for a re-save that then failed to save it: an owned session is loaded now. */
    void leftLoadedByResave() {
        if (owner() != null) {
            state = State.LOADED;
            remember(null);
        }
    }

    /** Which state it is in, for the tracker's consistency check. */
    State state() {
        return state;
    }

    @Override
    public String toString() {
        return String.format("session 0x%08x (%s, %s)", handle, state,
                owner() != null ? owner().name() : savedBy == null ? "abandoned" : "saved by " + savedBy.name());
    }
}
