package io.tpm4j.api.keys;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The little DER that private key files need: reading one TLV at a time within bounds, and writing the few elements
 * that turn a traditional OpenSSL key into PKCS#8. Every length is checked against what is left, so a hostile file
 * ends in a {@link KeyFileException}, never a large allocation.
 */
final class Der {

    static final int SEQUENCE = 0x30;
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;

    private Der() {
    }

    /** One element: its tag and its contents. */
    record Tlv(int tag, byte[] content) {
        /** The elements of a constructed element's contents, in order. */
        List<Tlv> children() throws KeyFileException {
            List<Tlv> out = new ArrayList<>();
            int[] at = {0};
            while (at[0] < content.length) {
                out.add(read(content, at));
            }
            return out;
        }
    }

    /** Exactly one element filling {@code der}. */
    static Tlv parse(byte[] der) throws KeyFileException {
        int[] at = {0};
        Tlv tlv = read(der, at);
        if (at[0] != der.length) {
            throw new KeyFileException((der.length - at[0]) + " bytes after the DER structure");
        }
        return tlv;
    }

    /** The element at {@code at[0]}, advancing past it. Single-byte tags only, definite lengths of up to 4 bytes. */
    static Tlv read(byte[] der, int[] at) throws KeyFileException {
        if (der.length - at[0] < 2) {
            throw new KeyFileException("DER truncated at offset " + at[0]);
        }
        int tag = der[at[0]++] & 0xFF;
        if ((tag & 0x1F) == 0x1F) {
            throw new KeyFileException(String.format("a multi-byte DER tag at offset %d", at[0] - 1));
        }
        int first = der[at[0]++] & 0xFF;
        long length = first;
        if (first >= 0x80) {
            int count = first & 0x7F;
            if (count == 0 || count > 4 || der.length - at[0] < count) {
                throw new KeyFileException("a DER length of " + count + " bytes at offset " + (at[0] - 1));
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = length << 8 | der[at[0]++] & 0xFF;
            }
        }
        if (length > der.length - at[0]) {
            throw new KeyFileException(String.format("DER element 0x%02x of %d bytes at offset %d, but %d are left",
                    tag, length, at[0], der.length - at[0]));
        }
        byte[] content = java.util.Arrays.copyOfRange(der, at[0], at[0] + (int) length);
        at[0] += (int) length;
        return new Tlv(tag, content);
    }

    /** The element {@code tag} with {@code content}, in DER. */
    static byte[] write(int tag, byte[]... content) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : content) {
            body.writeBytes(part);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = body.size();
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xFFFF ? 3 : length > 0xFF ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }
}
