package io.tpm4j.api;

/** Bytes that are not a well-formed TPM response (or command): what was wrong and at which offset. */
public final class TpmProtocolException extends TpmException {

    private final int offset;

    public TpmProtocolException(String message, int offset) {
        super(message + (offset >= 0 ? " (at byte offset " + offset + ")" : ""), null);
        this.offset = offset;
    }

    /** The byte offset in the message where the problem was found, or -1 when it concerns the whole message. */
    public int offset() {
        return offset;
    }
}
