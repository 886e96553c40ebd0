package io.tpm4j.api.wire;

import io.tpm4j.api.TpmProtocolException;

import java.util.Arrays;

/**
 * Bounds-checked big-endian reader over one response. Every read checks what is left first, so a short,
 * hostile or corrupt response ends in a {@link TpmProtocolException} naming the field and the offset —
 * never an index error, and never an allocation larger than the response itself.
 */
public final class TpmReader {

    private final byte[] bytes;
    private final int end;
    private int position;

    public TpmReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    public TpmReader(byte[] bytes, int offset, int end) {
        if (offset < 0 || end > bytes.length || offset > end) {
            throw new IllegalArgumentException("range " + offset + ".." + end + " outside " + bytes.length + " bytes");
        }
        this.bytes = bytes;
        this.position = offset;
        this.end = end;
    }

    public int u8(String field) {
        need(1, field);
        return bytes[position++] & 0xFF;
    }

    public int u16(String field) {
        need(2, field);
        int value = BigEndian.u16(bytes, position);
        position += 2;
        return value;
    }

    public int u32(String field) {
        need(4, field);
        int value = BigEndian.u32(bytes, position);
        position += 4;
        return value;
    }

    public long u64(String field) {
        long high = Integer.toUnsignedLong(u32(field));
        return (high << 32) | Integer.toUnsignedLong(u32(field));
    }

    public boolean bool(String field) {
        int at = position;
        int value = u8(field);
        if (value > 1) {
            throw new TpmProtocolException(field + " is a TPMI_YES_NO but holds " + value, at);
        }
        return value == 1;
    }

    public byte[] bytes(int count, String field) {
        if (count < 0) {
            throw new TpmProtocolException(field + " has a negative length " + count, position);
        }
        need(count, field);
        byte[] value = Arrays.copyOfRange(bytes, position, position + count);
        position += count;
        return value;
    }

    /** A TPM2B: a 16-bit size, then that many bytes, which must not exceed {@code maxSize}. */
    public byte[] tpm2b(int maxSize, String field) {
        int at = position;
        int size = u16(field + ".size");
        if (size > maxSize) {
            throw new TpmProtocolException(field + ".size is " + size + ", more than the " + maxSize
                    + " bytes the structure allows", at);
        }
        return bytes(size, field);
    }

    /**
     * The element count of a TPML list: at most {@code maxCount}, and no more elements than the bytes
     * left could hold at {@code minElementSize} each (so a forged count cannot size an allocation).
     */
    public int count(int maxCount, int minElementSize, String field) {
        int at = position;
        int count = u32(field + ".count");
        if (count < 0 || count > maxCount) {
            throw new TpmProtocolException(field + ".count is " + Integer.toUnsignedString(count)
                    + ", more than the " + maxCount + " allowed", at);
        }
        if ((long) count * minElementSize > remaining()) {
            throw new TpmProtocolException(field + ".count is " + count + " but only " + remaining()
                    + " bytes are left for its elements", at);
        }
        return count;
    }

    public int position() {
        return position;
    }

    public int remaining() {
        return end - position;
    }

    /** Fails when bytes are left over: a response longer than its parameters is malformed. */
    public void expectEnd(String structure) {
        if (position != end) {
            throw new TpmProtocolException(structure + " has " + (end - position) + " unexpected trailing bytes",
                    position);
        }
    }

    private void need(int count, String field) {
        if (count > end - position) {
            throw new TpmProtocolException(field + " needs " + count + " bytes but only " + (end - position)
                    + " are left", position);
        }
    }
}
