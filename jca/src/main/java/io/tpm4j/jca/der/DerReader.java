package io.tpm4j.jca.der;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads DER from untrusted bytes: every length is checked against what its enclosing element has left, nesting is
 * bounded, and each problem is a {@link DerException} naming the field and the byte offset. Only single-byte tags
 * and definite lengths of up to four bytes exist here; that is all the structures tpm4j reads need.
 */
public final class DerReader {

    public static final int SEQUENCE = 0x30;
    public static final int SET = 0x31;
    public static final int BOOLEAN = 0x01;
    public static final int INTEGER = 0x02;
    public static final int BIT_STRING = 0x03;
    public static final int OCTET_STRING = 0x04;
    public static final int NULL = 0x05;
    public static final int OBJECT_IDENTIFIER = 0x06;
    public static final int UTF8_STRING = 0x0C;
    public static final int PRINTABLE_STRING = 0x13;
    /** Context-specific, constructed: [n] EXPLICIT is this tag plus n. */
    public static final int CONTEXT_CONSTRUCTED = 0xA0;

    /** Deeper than any structure tpm4j reads; a bound, so hostile input cannot recurse without end. */
    public static final int MAX_DEPTH = 12;

    private final byte[] der;
    private final int end;
    private final int depth;
    private int position;

    /** A reader over all of {@code der}. */
    public DerReader(byte[] der) {
        this(der, 0, der.length, 0);
    }

    private DerReader(byte[] der, int start, int end, int depth) {
        this.der = der;
        this.position = start;
        this.end = end;
        this.depth = depth;
    }

    /** The offset of the next element in the whole input. */
    public int position() {
        return position;
    }

    public boolean hasMore() {
        return position < end;
    }

    /** The tag of the next element, or -1 at the end of this reader. */
    public int peekTag() {
        return hasMore() ? der[position] & 0xFF : -1;
    }

    /** An element's contents: where they start in the input and how long they are. */
    private record Element(int start, int length) {
    }

    private Element element(int expectedTag, String field) throws DerException {
        int at = position;
        if (!hasMore()) {
            throw new DerException(field + ": expected " + describe(expectedTag) + ", found the end of its enclosing element", at);
        }
        int tag = der[position] & 0xFF;
        if (tag != expectedTag) {
            throw new DerException(field + ": expected " + describe(expectedTag) + ", found tag 0x"
                    + Integer.toHexString(tag), at);
        }
        position++;
        int length = length(field);
        if (length > end - position) {
            throw new DerException(field + ": length " + length + " exceeds the " + (end - position)
                    + " bytes its enclosing element has left", at);
        }
        Element e = new Element(position, length);
        position += length;
        return e;
    }

    private int length(String field) throws DerException {
        int at = position;
        if (!hasMore()) {
            throw new DerException(field + ": the length is missing", at);
        }
        int first = der[position++] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        int count = first & 0x7F;
        if (count == 0) {
            throw new DerException(field + ": an indefinite length is not DER", at);
        }
        if (count > 4) {
            throw new DerException(field + ": a length of " + count + " bytes is too long", at);
        }
        if (count > end - position) {
            throw new DerException(field + ": the length runs past the end of its enclosing element", at);
        }
        long length = 0;
        for (int i = 0; i < count; i++) {
            length = (length << 8) | (der[position++] & 0xFF);
        }
        if (length < 0x80 || length < (1L << (8 * (count - 1)))) {
            throw new DerException(field + ": length " + length + " is not in its shortest form (DER)", at);
        }
        if (length > Integer.MAX_VALUE) {
            throw new DerException(field + ": length " + length + " is too large", at);
        }
        return (int) length;
    }

    private DerReader nested(Element e, String field) throws DerException {
        if (depth + 1 > MAX_DEPTH) {
            throw new DerException(field + ": nested deeper than " + MAX_DEPTH + " levels", e.start());
        }
        return new DerReader(der, e.start(), e.start() + e.length(), depth + 1);
    }

    /** A SEQUENCE: a reader over its contents. */
    public DerReader sequence(String field) throws DerException {
        return nested(element(SEQUENCE, field), field);
    }

    /** A SET: a reader over its contents. */
    public DerReader set(String field) throws DerException {
        return nested(element(SET, field), field);
    }

    /** {@code [n] EXPLICIT}: a reader over the one element inside. */
    public DerReader explicit(int n, String field) throws DerException {
        return nested(element(CONTEXT_CONSTRUCTED | n, field), field);
    }

    /** {@code [n] EXPLICIT ... OPTIONAL}: a reader over the element inside, if the next element has that tag. */
    public Optional<DerReader> optionalExplicit(int n, String field) throws DerException {
        return peekTag() == (CONTEXT_CONSTRUCTED | n) ? Optional.of(explicit(n, field)) : Optional.empty();
    }

    /**
     * A BOOLEAN. DER says TRUE is 0xFF; tpm2-tss-engine and tpm2-pytss write 0x01, so every non-zero byte is TRUE.
     */
    public boolean bool(String field) throws DerException {
        Element e = element(BOOLEAN, field);
        if (e.length() != 1) {
            throw new DerException(field + ": a BOOLEAN has one byte, not " + e.length(), e.start());
        }
        return der[e.start()] != 0;
    }

    /** An INTEGER in its shortest two's-complement form. */
    public BigInteger integer(String field) throws DerException {
        Element e = element(INTEGER, field);
        if (e.length() == 0) {
            throw new DerException(field + ": an INTEGER has at least one byte", e.start());
        }
        if (e.length() > 1 && ((der[e.start()] == 0 && der[e.start() + 1] >= 0)
                || (der[e.start()] == -1 && der[e.start() + 1] < 0))) {
            throw new DerException(field + ": the INTEGER is not in its shortest form (DER)", e.start());
        }
        return new BigInteger(der, e.start(), e.length());
    }

    /** An INTEGER that must lie in {@code [0, 2^32)}, returned as its 32 bits (a TPM handle or command code). */
    public int uint32(String field) throws DerException {
        int at = position;
        BigInteger value = integer(field);
        if (value.signum() < 0 || value.bitLength() > 32) {
            throw new DerException(field + ": " + value + " is not an unsigned 32-bit value", at);
        }
        return value.intValue();
    }

    /** An OCTET STRING of at most {@code maxLength} bytes. */
    public byte[] octetString(int maxLength, String field) throws DerException {
        Element e = element(OCTET_STRING, field);
        if (e.length() > maxLength) {
            throw new DerException(field + ": " + e.length() + " bytes, more than the " + maxLength + " allowed",
                    e.start());
        }
        return java.util.Arrays.copyOfRange(der, e.start(), e.start() + e.length());
    }

    /** A BIT STRING whose length is a whole number of bytes (no unused bits), e.g. a signature. */
    public byte[] octetAlignedBitString(int maxLength, String field) throws DerException {
        Element e = element(BIT_STRING, field);
        if (e.length() == 0 || der[e.start()] != 0) {
            throw new DerException(field + ": expected a BIT STRING of whole bytes", e.start());
        }
        if (e.length() - 1 > maxLength) {
            throw new DerException(field + ": " + (e.length() - 1) + " bytes, more than the " + maxLength + " allowed",
                    e.start());
        }
        return java.util.Arrays.copyOfRange(der, e.start() + 1, e.start() + e.length());
    }

    /** NULL. */
    public void nul(String field) throws DerException {
        Element e = element(NULL, field);
        if (e.length() != 0) {
            throw new DerException(field + ": NULL has no contents", e.start());
        }
    }

    /** A UTF8String of at most {@code maxBytes} bytes of well-formed UTF-8. */
    public String utf8String(int maxBytes, String field) throws DerException {
        Element e = element(UTF8_STRING, field);
        if (e.length() > maxBytes) {
            throw new DerException(field + ": " + e.length() + " bytes, more than the " + maxBytes + " allowed",
                    e.start());
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(der, e.start(), e.length())).toString();
        } catch (CharacterCodingException x) {
            throw new DerException(field + ": not well-formed UTF-8", e.start());
        }
    }

    /** An OBJECT IDENTIFIER in dotted form; arcs beyond 2^63 are refused. */
    public String oid(String field) throws DerException {
        Element e = element(OBJECT_IDENTIFIER, field);
        if (e.length() == 0) {
            throw new DerException(field + ": an OBJECT IDENTIFIER has at least one byte", e.start());
        }
        StringBuilder dotted = new StringBuilder();
        long arc = 0;
        boolean first = true;
        int stop = e.start() + e.length();
        for (int i = e.start(); i < stop; i++) {
            int b = der[i] & 0xFF;
            if (arc == 0 && b == 0x80) {
                throw new DerException(field + ": an OBJECT IDENTIFIER arc is not in its shortest form", i);
            }
            if (arc > (Long.MAX_VALUE >> 7)) {
                throw new DerException(field + ": an OBJECT IDENTIFIER arc is too large", i);
            }
            arc = (arc << 7) | (b & 0x7F);
            if ((b & 0x80) == 0) {
                if (first) {
                    int top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
                    dotted.append(top).append('.').append(arc - 40L * top);
                    first = false;
                } else {
                    dotted.append('.').append(arc);
                }
                arc = 0;
            } else if (i == stop - 1) {
                throw new DerException(field + ": the OBJECT IDENTIFIER ends inside an arc", i);
            }
        }
        return dotted.toString();
    }

    /** Fails unless this reader's element has nothing left: trailing bytes are an error, never ignored. */
    public void expectEnd(String structure) throws DerException {
        if (hasMore()) {
            throw new DerException(structure + ": " + (end - position) + " unexpected bytes after its last field",
                    position);
        }
    }

    private static String describe(int tag) {
        return switch (tag) {
            case SEQUENCE -> "a SEQUENCE";
            case SET -> "a SET";
            case BOOLEAN -> "a BOOLEAN";
            case INTEGER -> "an INTEGER";
            case BIT_STRING -> "a BIT STRING";
            case OCTET_STRING -> "an OCTET STRING";
            case NULL -> "NULL";
            case OBJECT_IDENTIFIER -> "an OBJECT IDENTIFIER";
            case UTF8_STRING -> "a UTF8String";
            case PRINTABLE_STRING -> "a PrintableString";
            default -> (tag & 0xE0) == CONTEXT_CONSTRUCTED ? "[" + (tag & 0x1F) + "] EXPLICIT"
                    : "tag 0x" + Integer.toHexString(tag);
        };
    }
}
