package io.tpm4j.api.wire;

import java.util.Arrays;
import java.util.function.Consumer;

/** Big-endian marshalling of TPM structures into a growable buffer; the only place that writes wire bytes. */
public final class TpmWriter {

    private byte[] bytes;
    private int size;

    public TpmWriter() {
        this(64);
    }

    public TpmWriter(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    public TpmWriter u8(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
        return this;
    }

    public TpmWriter u16(int value) {
        ensure(2);
        bytes[size++] = (byte) (value >>> 8);
        bytes[size++] = (byte) value;
        return this;
    }

    public TpmWriter u32(int value) {
        ensure(4);
        bytes[size++] = (byte) (value >>> 24);
        bytes[size++] = (byte) (value >>> 16);
        bytes[size++] = (byte) (value >>> 8);
        bytes[size++] = (byte) value;
        return this;
    }

    public TpmWriter u64(long value) {
        return u32((int) (value >>> 32)).u32((int) value);
    }

    public TpmWriter bytes(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, bytes, size, value.length);
        size += value.length;
        return this;
    }

    /** A TPM2B: a 16-bit size followed by that many bytes. */
    public TpmWriter tpm2b(byte[] value) {
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("a TPM2B holds at most 65535 bytes, not " + value.length);
        }
        return u16(value.length).bytes(value);
    }

    /**
     * Writes a TPM2B whose body {@code body} writes here: the size goes in front once the body is written, so
     * the body is not marshalled twice.
     */
    public TpmWriter tpm2b(Consumer<TpmWriter> body) {
        int sizeAt = size;
        u16(0);
        body.accept(this);
        int length = size - sizeAt - 2;
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("a TPM2B holds at most 65535 bytes, not " + length);
        }
        bytes[sizeAt] = (byte) (length >>> 8);
        bytes[sizeAt + 1] = (byte) length;
        return this;
    }

    /** Overwrites four bytes already written, e.g. a size field known only at the end. */
    public TpmWriter u32At(int offset, int value) {
        if (offset < 0 || offset + 4 > size) {
            throw new IndexOutOfBoundsException("u32 at " + offset + " outside " + size + " written bytes");
        }
        bytes[offset] = (byte) (value >>> 24);
        bytes[offset + 1] = (byte) (value >>> 16);
        bytes[offset + 2] = (byte) (value >>> 8);
        bytes[offset + 3] = (byte) value;
        return this;
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
