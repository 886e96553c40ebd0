package io.tpm4j.rm;

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

    /** Records what the command did: new objects and sessions, flushed ones, saved sessions; rewrites handles. */
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
        if (frame.attributes.responseHandle() && response.length >= TpmHeader.SIZE + 4) {
            int handle = BigEndian.u32(response, TpmHeader.SIZE);
            if (TpmHt.TRANSIENT.contains(handle)) {
                TrackedObject object = tracker.newObject(space, handle, p.createsSequence(), now);
                BigEndian.putU32(response, TpmHeader.SIZE, object.virtualHandle());
            } else if (TrackedSession.isSessionHandle(handle)) {
                tracker.loadedBy(space, handle, now);
            }
        }
        if (frame.attributes.extensive()) {
            // TPM2_Clear and friends may flush objects: find out which of ours are still there.
            resync.objects(space);
        }
    }
}
