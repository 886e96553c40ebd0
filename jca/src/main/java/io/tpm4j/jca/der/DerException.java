package io.tpm4j.jca.der;

/** DER (or PEM) that does not parse: what was wrong, in which field, and at which byte offset. */
public final class DerException extends Exception {

    private final int offset;

    public DerException(String message, int offset) {
        super(message + (offset >= 0 ? " (at byte offset " + offset + ")" : ""));
        this.offset = offset;
    }

    /** The byte offset in the DER where the problem was found, or -1 when it concerns the whole input. */
    public int offset() {
        return offset;
    }
}
