package io.tpm4j.jca.der;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** DER encodings of the few ASN.1 types tpm4j writes; each method returns one complete element. */
public final class DerWriter {

    /** Context-specific, primitive: [n] IMPLICIT of a primitive type is this tag plus n. */
    private static final int CONTEXT_PRIMITIVE = 0x80;

    private DerWriter() {
    }

    /** One element: the tag, the definite length, the contents concatenated. */
    public static byte[] element(int tag, byte[]... contents) {
        int length = 0;
        for (byte[] c : contents) {
            length += c.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        for (byte[] c : contents) {
            out.writeBytes(c);
        }
        return out.toByteArray();
    }

    public static byte[] sequence(byte[]... elements) {
        return element(DerReader.SEQUENCE, elements);
    }

    /** A SET OF: DER orders the elements by their encodings. */
    public static byte[] setOf(byte[]... elements) {
        byte[][] sorted = elements.clone();
        Arrays.sort(sorted, Arrays::compareUnsigned);
        return element(DerReader.SET, sorted);
    }

    /** {@code [n] EXPLICIT}, around one element. */
    public static byte[] explicit(int n, byte[] element) {
        return element(DerReader.CONTEXT_CONSTRUCTED | n, element);
    }

    /** {@code [n] IMPLICIT} of a constructed type (e.g. a SET OF): the contents under the context tag. */
    public static byte[] implicitConstructed(int n, byte[]... elements) {
        return element(DerReader.CONTEXT_CONSTRUCTED | n, elements);
    }

    /** {@code [n] IMPLICIT} of a primitive type (e.g. a GeneralName's dNSName): the contents under the context tag. */
    public static byte[] implicitPrimitive(int n, byte[] contents) {
        return element(CONTEXT_PRIMITIVE | n, contents);
    }

    public static byte[] bool(boolean value) {
        return element(DerReader.BOOLEAN, new byte[] {(byte) (value ? 0xFF : 0x00)});
    }

    public static byte[] integer(BigInteger value) {
        return element(DerReader.INTEGER, value.toByteArray());
    }

    public static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    /** An unsigned 32-bit value (a TPM handle or command code) as a non-negative INTEGER. */
    public static byte[] uint32(int value) {
        return integer(Integer.toUnsignedLong(value));
    }

    public static byte[] octetString(byte[] contents) {
        return element(DerReader.OCTET_STRING, contents);
    }

    /** A BIT STRING of whole bytes, such as a signature or a public key. */
    public static byte[] bitString(byte[] bytes) {
        return element(DerReader.BIT_STRING, new byte[] {0}, bytes);
    }

    /**
     * A named-bit BIT STRING (e.g. KeyUsage) from bit numbers, bit 0 being the most significant bit of the first
     * byte; DER drops the trailing zero bits and says how many bits of the last byte are unused.
     */
    public static byte[] namedBits(int... bits) {
        int highest = -1;
        for (int bit : bits) {
            if (bit < 0) {
                throw new IllegalArgumentException("a bit number is not negative: " + bit);
            }
            highest = Math.max(highest, bit);
        }
        if (highest < 0) {
            return element(DerReader.BIT_STRING, new byte[] {0});
        }
        byte[] bytes = new byte[highest / 8 + 1];
        for (int bit : bits) {
            bytes[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        int unused = 7 - highest % 8;
        return element(DerReader.BIT_STRING, new byte[] {(byte) unused}, bytes);
    }

    public static byte[] nul() {
        return new byte[] {DerReader.NULL, 0};
    }

    public static byte[] utf8String(String value) {
        return element(DerReader.UTF8_STRING, value.getBytes(StandardCharsets.UTF_8));
    }

    /** An OBJECT IDENTIFIER from its dotted form. */
    public static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length < 2) {
            throw new IllegalArgumentException("an OBJECT IDENTIFIER has at least two arcs: " + dotted);
        }
        long[] arcs = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                arcs[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an OBJECT IDENTIFIER: " + dotted, e);
            }
            if (arcs[i] < 0) {
                throw new IllegalArgumentException("not an OBJECT IDENTIFIER: " + dotted);
            }
        }
        if (arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40) || arcs[1] > Long.MAX_VALUE - 80) {
            throw new IllegalArgumentException("not an OBJECT IDENTIFIER: " + dotted);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            base128(out, arcs[i]);
        }
        return element(DerReader.OBJECT_IDENTIFIER, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long arc) {
        int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            out.write((int) ((arc >>> (7 * i)) & 0x7F) | (i > 0 ? 0x80 : 0));
        }
    }
}
