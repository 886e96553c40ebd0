package io.tpm4j.attest.eventlog;

import java.util.Arrays;

/**
 * Bounds-checked little-endian reader over a window of a log (the firmware log and the IMA list are in the
 * platform's byte order, little-endian on every PC). Every read checks what is left first, so a short or hostile
 * log ends in an {@link EventLogException} naming the field and its offset in the whole log, and no allocation is
 * larger than what is left to read.
 */
final class LogReader {

    private final byte[] bytes;
    private final int end;
    private int position;

    LogReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    private LogReader(byte[] bytes, int position, int end) {
        this.bytes = bytes;
        this.position = position;
        this.end = end;
    }

    /** The offset of the next byte in the whole log. */
    int position() {
        return position;
    }

    int remaining() {
        return end - position;
    }

    boolean atEnd() {
        return position == end;
    }

    /** True when every byte left is zero: the unused tail of a firmware log buffer. */
    boolean onlyZerosLeft() {
        for (int i = position; i < end; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    int u8(String field) throws EventLogException {
        need(1, field);
        return bytes[position++] & 0xFF;
    }

    int u16(String field) throws EventLogException {
        need(2, field);
        int value = (bytes[position] & 0xFF) | (bytes[position + 1] & 0xFF) << 8;
        position += 2;
        return value;
    }

    /** An unsigned 32-bit value; as a long, so no caller mistakes a huge length for a negative one. */
    long u32(String field) throws EventLogException {
        need(4, field);
        long value = 0;
        for (int i = 3; i >= 0; i--) {
            value = value << 8 | (bytes[position + i] & 0xFF);
        }
        position += 4;
        return value;
    }

    /** An unsigned 64-bit value that must not exceed {@code max}, such as a length or a count. */
    long u64(long max, String field) throws EventLogException {
        int at = position;
        long low = u32(field);
        long high = u32(field);
        if (high != 0 || low > max) {
            throw new EventLogException(field + " is " + Long.toUnsignedString(high << 32 | low) + ", more than "
                    + max, at);
        }
        return low;
    }

    /** A 64-bit value kept whole (an address); it sizes nothing. */
    long u64Value(String field) throws EventLogException {
        long low = u32(field);
        return u32(field) << 32 | low;
    }

    /** A 32-bit length or count that must not exceed {@code max}. */
    int u32Bounded(long max, String field) throws EventLogException {
        int at = position;
        long value = u32(field);
        if (value > max) {
            throw new EventLogException(field + " is " + value + ", more than " + max, at);
        }
        return (int) value;
    }

    /** A 32-bit length of bytes that follow: never more than what is left. */
    int length(String field) throws EventLogException {
        int at = position;
        long value = u32(field);
        if (value > remaining()) {
            throw new EventLogException(field + " is " + value + " but only " + remaining() + " bytes follow", at);
        }
        return (int) value;
    }

    byte[] bytes(long count, String field) throws EventLogException {
        need(count, field);
        byte[] value = Arrays.copyOfRange(bytes, position, position + (int) count);
        position += (int) count;
        return value;
    }

    /** The next {@code count} bytes as a reader of their own, with offsets still counted in the whole log. */
    LogReader slice(long count, String field) throws EventLogException {
        need(count, field);
        LogReader slice = new LogReader(bytes, position, position + (int) count);
        position += (int) count;
        return slice;
    }

    /** A reader of its own over the same bytes, from the same position. */
    LogReader copy() {
        return new LogReader(bytes, position, end);
    }

    /** Back to an earlier position of this reader (to read the same bytes another way). */
    void rewind(int earlier) {
        if (earlier > position) {
            throw new IllegalArgumentException("rewind forward: " + earlier + " > " + position);
        }
        position = earlier;
    }

    /** Whether the next bytes are exactly {@code expected}; reads nothing. */
    boolean startsWith(byte[] expected) {
        return remaining() >= expected.length
                && Arrays.equals(bytes, position, position + expected.length, expected, 0, expected.length);
    }

    EventLogException error(String problem) {
        return new EventLogException(problem, position);
    }

    private void need(long count, String field) throws EventLogException {
        if (count < 0 || count > remaining()) {
            throw new EventLogException(field + " needs " + count + " bytes but only " + remaining() + " are left",
                    position);
        }
    }
}
