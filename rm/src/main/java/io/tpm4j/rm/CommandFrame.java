package io.tpm4j.rm;

import io.tpm4j.api.types.CommandAttributes;
import io.tpm4j.api.types.SessionAttributes;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmSt;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;

/**
 * A client's command taken apart as far as the RM needs, by the TPM's own attribute table: how many handles it
 * carries, which sessions its authorisation area names (and whether each continues), and where the parameters
 * start. Nothing is copied; the RM rewrites handles in its own copy.
 */
final class CommandFrame {

    /** A TPM takes at most three sessions per command (Part 1, "Authorization Area"). */
    static final int MAX_SESSIONS = 3;
    private static final int MIN_SESSION_SIZE = 4 + 2 + 1 + 2;

    final byte[] bytes;
    final int code;
    final CommandAttributes attributes;
    final int sessionCount;
    final int[] sessionHandles = new int[MAX_SESSIONS];
    final int[] sessionOffsets = new int[MAX_SESSIONS];
    final boolean[] continueSession = new boolean[MAX_SESSIONS];
    final int parametersOffset;

    private CommandFrame(byte[] bytes, int code, CommandAttributes attributes, int sessionCount,
                         int parametersOffset) {
        this.bytes = bytes;
        this.code = code;
        this.attributes = attributes;
        this.sessionCount = sessionCount;
        this.parametersOffset = parametersOffset;
    }

    /** Parses a command whose header {@link TpmHeader#commandCode} already checked. */
    static CommandFrame parse(byte[] command, int code, CommandAttributes attributes) throws Refusal {
        int tag = BigEndian.u16(command, 0);
        if (tag != TpmSt.NO_SESSIONS.value() && tag != TpmSt.SESSIONS.value()) {
            throw new Refusal(TpmRc.BAD_TAG, String.format("tag 0x%04x is neither TPM_ST_NO_SESSIONS nor "
                    + "TPM_ST_SESSIONS", tag));
        }
        int handlesEnd = TpmHeader.SIZE + 4 * attributes.commandHandles();
        if (handlesEnd > command.length) {
            throw new Refusal(TpmRc.INSUFFICIENT, "the command is " + command.length + " bytes, too short for its "
                    + attributes.commandHandles() + " handles");
        }
        if (tag == TpmSt.NO_SESSIONS.value()) {
            return new CommandFrame(command, code, attributes, 0, handlesEnd);
        }
        if (handlesEnd + 4 > command.length) {
            throw new Refusal(TpmRc.AUTHSIZE, "the command ends before its authorizationSize");
        }
        long authSize = Integer.toUnsignedLong(BigEndian.u32(command, handlesEnd));
        int authStart = handlesEnd + 4;
        if (authSize < MIN_SESSION_SIZE || authStart + authSize > command.length) {
            throw new Refusal(TpmRc.AUTHSIZE, "authorizationSize " + authSize + " does not fit the "
                    + (command.length - authStart) + " bytes after it");
        }
        int authEnd = authStart + (int) authSize;
        int count = 0;
        int[] handles = new int[MAX_SESSIONS];
        int[] offsets = new int[MAX_SESSIONS];
        boolean[] continues = new boolean[MAX_SESSIONS];
        int at = authStart;
        while (at < authEnd) {
            if (count == MAX_SESSIONS) {
                throw new Refusal(TpmRc.AUTHSIZE, "the authorisation area holds more than " + MAX_SESSIONS
                        + " sessions");
            }
            if (at + MIN_SESSION_SIZE > authEnd) {
                throw new Refusal(TpmRc.AUTHSIZE, "session " + (count + 1) + " runs past the authorisation area");
            }
            offsets[count] = at;
            handles[count] = BigEndian.u32(command, at);
            at += 4;
            at += 2 + BigEndian.u16(command, at);
            if (at + 3 > authEnd) {
                throw new Refusal(TpmRc.AUTHSIZE, "session " + (count + 1) + "'s nonce runs past the "
                        + "authorisation area");
            }
            continues[count] = (command[at] & SessionAttributes.CONTINUE_SESSION) != 0;
            at += 1;
            at += 2 + BigEndian.u16(command, at);
            if (at > authEnd) {
                throw new Refusal(TpmRc.AUTHSIZE, "session " + (count + 1) + "'s HMAC runs past the "
                        + "authorisation area");
            }
            count++;
        }
        CommandFrame frame = new CommandFrame(command, code, attributes, count, authEnd);
        System.arraycopy(handles, 0, frame.sessionHandles, 0, count);
        System.arraycopy(offsets, 0, frame.sessionOffsets, 0, count);
        System.arraycopy(continues, 0, frame.continueSession, 0, count);
        return frame;
    }

    int handleCount() {
        return attributes.commandHandles();
    }

    /** Handle {@code i} (0-based) of the handle area. */
    int handle(int i) {
        return BigEndian.u32(bytes, TpmHeader.SIZE + 4 * i);
    }

    static int handleOffset(int i) {
        return TpmHeader.SIZE + 4 * i;
    }

    /** The parameter bytes left after the authorisation area. */
    int parameterBytes() {
        return bytes.length - parametersOffset;
    }
}
