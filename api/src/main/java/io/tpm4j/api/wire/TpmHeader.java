package io.tpm4j.api.wire;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.TpmSt;

/**
 * The 10-byte header of every TPM command and response: tag (TPM_ST), total size, and the command code
 * (in a command) or response code (in a response).
 */
public record TpmHeader(int tag, int size, int code) {

    public static final int SIZE = 10;
    /** TPM_ST_NO_SESSIONS: no authorisation area. */
    public static final int ST_NO_SESSIONS = TpmSt.NO_SESSIONS.value();
    /** TPM_ST_SESSIONS: an authorisation area follows the handles. */
    public static final int ST_SESSIONS = TpmSt.SESSIONS.value();
    /** TPM_ST_RSP_COMMAND: a TPM 2.0 answers a TPM 1.2-tagged command with this tag and TPM_RC_BAD_TAG. */
    public static final int ST_RSP_COMMAND = TpmSt.RSP_COMMAND.value();

    /** A response of just the header: {@code responseCode} and no parameters (what a refusal looks like). */
    public static byte[] headerOnlyResponse(int responseCode) {
        return new TpmWriter(SIZE).u16(ST_NO_SESSIONS).u32(SIZE).u32(responseCode).toByteArray();
    }

    /** Reads the declared total size from the first bytes of a frame, or -1 when fewer than 6 bytes are there. */
    public static int declaredSize(byte[] frame, int available) {
        if (available < 6) {
            return -1;
        }
        return BigEndian.u32(frame, 2);
    }

    /**
     * Validates a response frame: at least a header, a known tag, and a size field equal to the number of
     * bytes received.
     */
    public static TpmHeader ofResponse(byte[] response) {
        if (response.length < SIZE) {
            throw new TpmProtocolException("response of " + response.length
                    + " bytes is shorter than the 10-byte TPM header", -1);
        }
        TpmReader in = new TpmReader(response);
        int tag = in.u16("response tag");
        int size = in.u32("response size");
        int code = in.u32("response code");
        if (tag != ST_NO_SESSIONS && tag != ST_SESSIONS && tag != ST_RSP_COMMAND) {
            throw new TpmProtocolException(String.format("response tag 0x%04x is not a TPM_ST response tag", tag), 0);
        }
        if (Integer.toUnsignedLong(size) != response.length) {
            throw new TpmProtocolException("response header says " + Integer.toUnsignedString(size)
                    + " bytes but " + response.length + " were received", 2);
        }
        return new TpmHeader(tag, size, code);
    }

    /** Validates a command frame before it is sent: a header, and a size field equal to its length. */
    public static TpmHeader ofCommand(byte[] command) {
        int code = commandCode(command);
        return new TpmHeader(BigEndian.u16(command, 0), command.length, code);
    }

    /**
     * The same validation as {@link #ofCommand} without allocating (transports call it on every command):
     * returns the command code.
     */
    public static int commandCode(byte[] command) {
        if (command.length < SIZE) {
            throw new IllegalArgumentException("command of " + command.length
                    + " bytes is shorter than the 10-byte TPM header");
        }
        int size = declaredSize(command, command.length);
        if (Integer.toUnsignedLong(size) != command.length) {
            throw new IllegalArgumentException("command header says " + Integer.toUnsignedString(size)
                    + " bytes but the command has " + command.length);
        }
        return BigEndian.u32(command, 6);
    }
}
