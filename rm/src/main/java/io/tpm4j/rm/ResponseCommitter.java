package io.tpm4j.rm;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Commit, the last step of a client command: records what the TPM did (objects and sessions created, loaded,
 * flushed or saved by the client), gives new objects virtual handles in the response, and bounds the sessions
 * clients saved and never came back for. The kernel's tpm2_commit_space. Guarded by the chip's command lock.
 */
final class ResponseCommitter {

    private static final Logger log = LoggerFactory.getLogger(ResponseCommitter.class);
    /** TPMS_CONTEXT.savedHandle of a sequence object (Part 2, TPMS_CONTEXT). */
    private static final int SEQUENCE_CONTEXT = 0x8000_0001;

    private final Tracker tracker;
    private final ChipLink link;
    private final ContextGap gap;
    private final Resync resync;
    private final int maxAbandonedSessions;

    ResponseCommitter(Tracker tracker, ChipLink link, ContextGap gap, Resync resync, int maxAbandonedSessions) {
        this.tracker = tracker;
        this.link = link;
        this.gap = gap;
        this.resync = resync;
        this.maxAbandonedSessions = maxAbandonedSessions;
    }

    /** Records what the command did: new objects and sessions, flushed ones, saved sessions; rewrites handles. */
    void commit(Space space, PreparedCommand p, byte[] response) {
        if (CommandFrame.u32(response, 6) != 0) {
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
            savedByClient(space, p.handleSessions[0], response, p.serial);
        }
        if (frame.attributes.responseHandle() && response.length >= TpmHeader.SIZE + 4) {
            int handle = CommandFrame.u32(response, TpmHeader.SIZE);
            if (TpmHt.TRANSIENT.contains(handle)) {
                TrackedObject object = tracker.newObject(space, handle, createsSequence(p), now);
                CommandFrame.putU32(response, TpmHeader.SIZE, object.virtualHandle());
            } else if (TrackedSession.isSessionHandle(handle)) {
                tracker.loadedBy(space, p.loadedSession, handle, now);
            }
        }
        if (frame.attributes.extensive()) {
            // TPM2_Clear and friends may flush objects: find out which of ours are still there.
            resync.objects(space);
        }
    }

    /** Whether the object a command creates is a sequence (its context changes while it is loaded). */
    private static boolean createsSequence(PreparedCommand p) {
        if (p.is(TpmCc.CONTEXT_LOAD)) {
            // TPMS_CONTEXT.savedHandle: 0x80000001 marks a sequence object's context.
            return CommandFrame.u32(p.frame.bytes, p.frame.parametersOffset + 8) == SEQUENCE_CONTEXT;
        }
        // HMAC_Start and MAC_Start share one command code.
        return p.is(TpmCc.HASH_SEQUENCE_START) || p.is(TpmCc.HMAC_START);
    }

    /** A client's ContextSave of its session: the session leaves the space, the RM keeps a copy of its context. */
    private void savedByClient(Space space, TrackedSession session, byte[] response, long serial) {
        byte[] clientBytes = Arrays.copyOfRange(response, TpmHeader.SIZE, response.length);
        SavedContext context;
        try {
            context = SavedContext.read(new TpmReader(clientBytes));
        } catch (TpmProtocolException e) {
            log.warn("{}: the TPM's context of {} does not parse ({}); forgetting the session", space.name(),
                    session, e.getMessage());
            tracker.drop(session);
            return;
        }
        tracker.savedByClient(space, session, clientBytes, context);
        gap.sessionSaved(space, context.sequence(), serial);
        boundAbandonedSessions(space);
    }

    private void boundAbandonedSessions(Space space) {
        List<TrackedSession> abandoned = tracker.clientSavedSessions();
        if (abandoned.size() <= maxAbandonedSessions) {
            return;
        }
        abandoned.sort(Comparator.comparingLong(TrackedSession::lastUse));
        for (TrackedSession oldest : abandoned.subList(0, abandoned.size() - maxAbandonedSessions)) {
            log.debug("{}: flushing {}: more than {} sessions were saved by clients and not loaded again",
                    space.name(), oldest, maxAbandonedSessions);
            link.flush(space, oldest.handle());
            tracker.drop(oldest);
        }
    }
}
