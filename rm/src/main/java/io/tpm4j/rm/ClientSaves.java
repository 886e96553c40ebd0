package io.tpm4j.rm;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmSt;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * Sessions that clients context-saved themselves. Such a session leaves its space's hands but stays charged to it
 * (see {@link SessionBudget}); the RM keeps a copy of its context (to re-save it against the context gap) and the
 * bytes the client got (to know them when they come back). Guarded by the chip's command lock.
 */
final class ClientSaves {

    private static final Logger log = LoggerFactory.getLogger(ClientSaves.class);

    private final Tracker tracker;
    private final ChipLink link;
    private final ContextGap gap;

    ClientSaves(Tracker tracker, ChipLink link, ContextGap gap) {
        this.tracker = tracker;
        this.link = link;
        this.gap = gap;
    }

    /**
     * A client's successful ContextSave of {@code session}, with the TPM's {@code response}. A context that does
     * not parse, or names another handle, leaves the session's state unknown: it is forgotten, the TPM is
     * re-read before the next command (which flushes it wherever it is), and the client gets the protocol error.
     */
    void saved(Space space, TrackedSession session, byte[] response, long serial) {
        byte[] clientBytes;
        SavedContext context;
        try {
            clientBytes = contextBytes(response);
            TpmReader in = new TpmReader(clientBytes);
            context = SavedContext.read(in);
            in.expectEnd("TPMS_CONTEXT");
            if (context.savedHandle() != session.handle()) {
                throw new TpmProtocolException(String.format("the context names 0x%08x, not the session 0x%08x",
                        context.savedHandle(), session.handle()), TpmHeader.SIZE + 8);
            }
        } catch (TpmProtocolException e) {
            log.warn("{}: the TPM's context of {} does not parse ({}); forgetting the session", space.name(),
                    session, e.getMessage());
            tracker.drop(session);
            link.outcomeUnknown();
            throw e.within("TPM2_ContextSave response");
        }
        tracker.savedByClient(space, session, clientBytes, context);
        gap.sessionSaved(space, context.sequence(), serial);
    }

    /** The TPMS_CONTEXT of a response, inside parameterSize when the client sent (audit) sessions. */
    private static byte[] contextBytes(byte[] response) {
        if (BigEndian.u16(response, 0) != TpmSt.SESSIONS.value()) {
            return Arrays.copyOfRange(response, TpmHeader.SIZE, response.length);
        }
        TpmReader in = new TpmReader(response, TpmHeader.SIZE, response.length);
        int size = in.u32("parameterSize");
        if (size < 0 || size > in.remaining()) {
            throw new TpmProtocolException("parameterSize " + Integer.toUnsignedString(size) + " exceeds the "
                    + in.remaining() + " bytes left", TpmHeader.SIZE);
        }
        return in.bytes(size, "TPMS_CONTEXT");
    }
}
