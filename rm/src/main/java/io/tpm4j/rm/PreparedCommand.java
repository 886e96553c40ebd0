package io.tpm4j.rm;

import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.BigEndian;

/**
 * A client's command as prepare leaves it: its bytes with handles translated, the objects and sessions it names
 * (pinned and loaded), and what commit needs to know of it; or the answer the RM gives without the TPM. Filled
 * in by {@link CommandPreparer} only, read by transmit and {@link ResponseCommitter}.
 */
final class PreparedCommand {
    /** TPMS_CONTEXT.savedHandle of a sequence object (Part 2, TPMS_CONTEXT). */
    private static final int SEQUENCE_CONTEXT = 0x8000_0001;

    final CommandFrame frame;
    /** Numbers the command; what it needs loaded is pinned for this serial. */
    final long serial;
    /** The command with handles translated, as sent. */
    final byte[] bytes;
    final TrackedObject[] handleObjects;
    final TrackedSession[] handleSessions;
    final TrackedSession[] authSessions = new TrackedSession[CommandFrame.MAX_SESSIONS];
    /** FlushContext's target. */
    TrackedObject flushObject;
    TrackedSession flushSession;
    /** ContextLoad of a session blob: the session it names, when the RM knows it. */
    TrackedSession loadedSession;
    boolean loadsSession;
    /** The command as sent when the RM put its own newer context into a ContextLoad. */
    byte[] substituted;
    /** Set when the RM answers the command itself. */
    byte[] answer;

    PreparedCommand(CommandFrame frame, long serial) {
        this.frame = frame;
        this.serial = serial;
        this.bytes = frame.bytes.clone();
        this.handleObjects = new TrackedObject[frame.handleCount()];
        this.handleSessions = new TrackedSession[frame.handleCount()];
    }

    int code() {
        return frame.code;
    }

    boolean is(TpmCc command) {
        return frame.code == command.value();
    }

    /** Whether the object the command creates is a sequence (its context changes while it is loaded). */
    boolean createsSequence() {
        if (is(TpmCc.CONTEXT_LOAD)) {
            return BigEndian.u32(frame.bytes, frame.parametersOffset + 8) == SEQUENCE_CONTEXT;
        }
        // HMAC_Start and MAC_Start share one command code.
        return is(TpmCc.HASH_SEQUENCE_START) || is(TpmCc.HMAC_START);
    }

    /** What goes to the TPM. */
    byte[] toSend() {
        return substituted != null ? substituted : bytes;
    }
}
