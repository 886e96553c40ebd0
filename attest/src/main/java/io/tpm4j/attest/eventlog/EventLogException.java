package io.tpm4j.attest.eventlog;

/**
 * A measurement log that does not parse: what was wrong and the byte offset in the log where it was found. Every
 * malformed, truncated or hostile input to this package's parsers ends in this exception and in no other.
 */
public final class EventLogException extends Exception {

    private static final long serialVersionUID = 1L;

    private final long offset;

    public EventLogException(String problem, long offset) {
        super(problem + " (at byte offset " + offset + ")");
        this.offset = offset;
    }

    /** The byte offset in the log where the problem was found. */
    public long offset() {
        return offset;
    }
}
