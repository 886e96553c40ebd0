package io.tpm4j.attest.quote;

/**
 * Bytes that are not a TPMS_ATTEST, TPMT_SIGNATURE or TPM2B_PUBLIC at all (truncated, a field larger than the
 * structure allows, trailing bytes, an unknown algorithm): what was wrong and where. Attestations that parse but do
 * not check out are not exceptions: they are {@link Verification}s with their failures.
 */
public final class AttestationFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int offset;

    public AttestationFormatException(String problem, int offset) {
        this(problem + (offset >= 0 ? " (at byte offset " + offset + ")" : ""), offset, true);
    }

    private AttestationFormatException(String message, int offset, boolean composed) {
        super(message);
        this.offset = offset;
    }

    /** api's unmarshalling error (its message already names the field and offset), prefixed with {@code context}. */
    static AttestationFormatException of(String context, io.tpm4j.api.TpmProtocolException e) {
        AttestationFormatException wrapped = new AttestationFormatException(context + ": " + e.getMessage(),
                e.offset(), true);
        wrapped.initCause(e);
        return wrapped;
    }

    /** The byte offset in the input where the problem was found, or -1 when it concerns the whole input. */
    public int offset() {
        return offset;
    }
}
