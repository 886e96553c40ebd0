package io.tpm4j.api;

/** Bytes that are not a well-formed TPM response (or command): what was wrong and at which offset. */
public final class TpmProtocolException extends TpmException {

    private final String detail;
    private final int offset;

    public TpmProtocolException(String message, int offset) {
        super(message + (offset >= 0 ? " (at byte offset " + offset + ")" : ""), null);
        this.detail = message;
        this.offset = offset;
    }

    /** The same problem, its message prefixed with {@code context} (e.g. the command whose response it was). */
    public TpmProtocolException within(String context) {
        TpmProtocolException wrapped = new TpmProtocolException(context + ": " + detail, offset);
        wrapped.setStackTrace(getStackTrace());
        return wrapped;
    }

    /** The byte offset in the message where the problem was found, or -1 when it concerns the whole message. */
    public int offset() {
        return offset;
    }
}
