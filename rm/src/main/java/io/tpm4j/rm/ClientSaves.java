package io.tpm4j.rm;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Sessions that clients context-saved themselves. Such a session leaves its space; the RM keeps a copy of its
 * context (to re-save it against the context gap) and the bytes the client got (to know them when they come
 * back). Sessions saved and never loaded again are kept up to a bound, then the oldest is flushed, so that
 * abandoned sessions cannot take all of the TPM's session slots. Guarded by the chip's command lock.
 */
final class ClientSaves {

    private static final Logger log = LoggerFactory.getLogger(ClientSaves.class);

    private final Tracker tracker;
    private final ChipLink link;
    private final ContextGap gap;
    private final int maxAbandoned;

    ClientSaves(Tracker tracker, ChipLink link, ContextGap gap, int maxAbandoned) {
        this.tracker = tracker;
        this.link = link;
        this.gap = gap;
        this.maxAbandoned = maxAbandoned;
    }

    /** A client's successful ContextSave of {@code session}, with the TPM's {@code response}. */
    void saved(Space space, TrackedSession session, byte[] response, long serial) {
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
        boundAbandoned(space);
    }

    private void boundAbandoned(Space space) {
        List<TrackedSession> abandoned = tracker.clientSavedSessions();
        if (abandoned.size() <= maxAbandoned) {
            return;
        }
        abandoned.sort(Comparator.comparingLong(TrackedSession::lastUse));
        for (TrackedSession oldest : abandoned.subList(0, abandoned.size() - maxAbandoned)) {
            log.debug("{}: flushing {}: more than {} sessions were saved by clients and not loaded again",
                    space.name(), oldest, maxAbandoned);
            link.flush(space, oldest.handle());
            tracker.drop(oldest);
        }
    }
}
