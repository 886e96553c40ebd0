package io.tpm4j.attest;

/**
 * Bytes that are not an {@link Enrollment}, {@link Challenge} or {@link Evidence} of tpm4j's wire format: another
 * message, another version, a field larger than allowed, truncated, trailing bytes, a TPM structure that does not
 * parse. Names what was wrong and where.
 */
public final class MessageFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int offset;

    public MessageFormatException(String problem, int offset) {
        super(problem + " (at byte offset " + offset + ")");
        this.offset = offset;
    }

    /** The byte offset in the message where the problem was found. */
    public int offset() {
        return offset;
    }
}
