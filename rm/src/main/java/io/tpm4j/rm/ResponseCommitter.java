package io.tpm4j.rm;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;

/**
 * Commit, the last step of a client command: records what the TPM did (objects and sessions created, loaded,
 * flushed or saved by the client) and gives new objects virtual handles in the response. The kernel's
 * tpm2_commit_space. Guarded by the chip's command lock.
 */
final class ResponseCommitter {

    private final Tracker tracker;
    private final ClientSaves clientSaves;
    private final Resync resync;

    ResponseCommitter(Tracker tracker, ClientSaves clientSaves, Resync resync) {
        this.tracker = tracker;
        this.clientSaves = clientSaves;
        this.resync = resync;
    }

    /**
     * Records what the command did: new objects and sessions, flushed ones, saved sessions; rewrites handles. A
     * successful response the RM cannot read what it needs from is a protocol error for the client; what the TPM
     * then holds is unknown, so it is re-read before the next command.
     */
    void commit(Space space, PreparedCommand p, byte[] response) {
        if (BigEndian.u32(response, 6) != 0) {
            return;
        }
        CommandFrame frame = p.frame;
        long now = tracker.tick();
        if (frame.attributes.flushed()) {
            for (TrackedObject object : p.handleObjects) {
                if (object != null) {
                    tracker.flushed(object);
                }
            }
        }
        for (int i = 0; i < frame.sessionCount; i++) {
            TrackedSession session = p.authSessions[i];
            if (session != null && !frame.continueSession[i]) {
                // continueSession clear: the TPM flushed the session when the command succeeded.
                tracker.drop(session);
            }
        }
        if (p.is(TpmCc.FLUSH_CONTEXT)) {
            space.count(Counters.Event.FLUSH);
            if (p.flushObject != null) {
                tracker.flushed(p.flushObject);
            }
            if (p.flushSession != null) {
                tracker.drop(p.flushSession);
            }
        } else if (p.is(TpmCc.CONTEXT_SAVE) && p.handleSessions[0] != null) {
            clientSaves.saved(space, p.handleSessions[0], response, p.serial);
        }
        if (frame.attributes.responseHandle()) {
            adoptCreated(space, p, response, now);
        }
        if (frame.attributes.extensive()) {
            // TPM2_Clear and friends may flush objects: find out which of ours are still there.
            resync.objects(space);
        }
    }

    /** The object or session the command created, at the handle that follows the header. */
    private void adoptCreated(Space space, PreparedCommand p, byte[] response, long now) {
        boolean session = p.is(TpmCc.START_AUTH_SESSION) || p.loadsSession;
        int handle = response.length >= TpmHeader.SIZE + 4 ? BigEndian.u32(response, TpmHeader.SIZE) : 0;
        if (session ? !TrackedSession.isSessionHandle(handle) : !TpmHt.TRANSIENT.contains(handle)) {
            resync.outcomeUnknown();
            throw new TpmProtocolException(TpmCc.describe(p.code()) + " response: success, but "
                    + (response.length < TpmHeader.SIZE + 4 ? "no handle (" + response.length + " bytes)"
                    : String.format("handle 0x%08x is not a %s", handle, session ? "session" : "transient object")),
                    TpmHeader.SIZE);
        }
        if (session) {
            if (p.loadsSession) {
                tracker.loadedBy(space, handle, now);
            } else {
                tracker.started(space, handle, now);
            }
        } else {
            TrackedObject object = tracker.newObject(space, handle, p.createsSequence(), now);
            BigEndian.putU32(response, TpmHeader.SIZE, object.virtualHandle());
        }
    }
}
