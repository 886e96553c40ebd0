package io.tpm4j.api.wire;

/**
 * Big-endian integers at a known offset of a byte array, for code that looks into a frame without parsing it
 * (the header, a resource manager's handle rewriting, a wire protocol's length prefix). The caller has checked
 * that the bytes are there; {@link TpmReader} is the checked way to parse.
 */
public final class BigEndian {

    private BigEndian() {
    }

    public static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    public static int u32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    public static long u64(byte[] b, int at) {
        return (Integer.toUnsignedLong(u32(b, at)) << 32) | Integer.toUnsignedLong(u32(b, at + 4));
    }

    public static void putU32(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }
}
