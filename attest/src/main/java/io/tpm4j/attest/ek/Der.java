package io.tpm4j.attest.ek;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough DER to read what the JDK does not decode for EK certificates: the length of a certificate inside a
 * padded NV index, and the TCG attributes in a subjectAltName directoryName. Every read is bounded by the bytes
 * given; anything malformed is an {@link EkCertificateException} naming the offset.
 */
final class Der {

    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;
    static final int OID = 0x06;
    static final int OCTET_STRING = 0x04;
    /** GeneralName directoryName [4], constructed (it wraps a Name). */
    static final int DIRECTORY_NAME = 0xA4;

    /** One tag-length-value element: its tag, and where its value and the whole element lie in {@code bytes}. */
    record Element(byte[] bytes, int tag, int start, int valueStart, int end) {

        byte[] value() {
            return Arrays.copyOfRange(bytes, valueStart, end);
        }

        int length() {
            return end - start;
        }

        /** The elements inside this one's value. */
        List<Element> children() throws EkCertificateException {
            List<Element> out = new ArrayList<>();
            int at = valueStart;
            while (at < end) {
                Element child = read(bytes, at, end);
                out.add(child);
                at = child.end;
            }
            return out;
        }
    }

    private Der() {
    }

    /** The element starting at {@code at}, which must end by {@code limit}. */
    static Element read(byte[] bytes, int at, int limit) throws EkCertificateException {
        if (limit - at < 2) {
            throw new EkCertificateException("DER element at offset " + at + " is truncated");
        }
        int tag = bytes[at] & 0xFF;
        if ((tag & 0x1F) == 0x1F) {
            throw new EkCertificateException(String.format("DER tag 0x%02x at offset %d uses the multi-byte form,"
                    + " which nothing in an EK certificate needs", tag, at));
        }
        int first = bytes[at + 1] & 0xFF;
        int valueStart = at + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int count = first & 0x7F;
            // An NV index holds at most 64 KiB, so a length needs at most 3 bytes; 0x80 (indefinite) is BER, not DER.
            if (count == 0 || count > 3) {
                throw new EkCertificateException("DER length at offset " + (at + 1) + " has " + count
                        + " length bytes; DER allows 1 to 3 here");
            }
            if (limit - valueStart < count) {
                throw new EkCertificateException("DER length at offset " + (at + 1) + " is truncated");
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (bytes[valueStart + i] & 0xFF);
            }
            valueStart += count;
        }
        if (length > limit - valueStart) {
            throw new EkCertificateException("DER element at offset " + at + " claims " + length + " bytes but only "
                    + (limit - valueStart) + " follow");
        }
        return new Element(bytes, tag, at, valueStart, valueStart + (int) length);
    }

    /** The dotted form of an OBJECT IDENTIFIER's value. */
    static String oid(Element element) throws EkCertificateException {
        if (element.tag() != OID || element.end() == element.valueStart()) {
            throw new EkCertificateException("expected an OBJECT IDENTIFIER at offset " + element.start());
        }
        StringBuilder out = new StringBuilder();
        long arc = 0;
        boolean first = true;
        for (int i = element.valueStart(); i < element.end(); i++) {
            int b = element.bytes()[i] & 0xFF;
            if (arc > (Long.MAX_VALUE >>> 7)) {
                throw new EkCertificateException("OBJECT IDENTIFIER arc too large at offset " + i);
            }
            arc = (arc << 7) | (b & 0x7F);
            if ((b & 0x80) == 0) {
                if (first) {
                    int top = arc < 80 ? (int) (arc / 40) : 2;
                    out.append(top).append('.').append(arc - 40L * top);
                    first = false;
                } else {
                    out.append('.').append(arc);
                }
                arc = 0;
            }
        }
        if (arc != 0 || (element.bytes()[element.end() - 1] & 0x80) != 0) {
            throw new EkCertificateException("OBJECT IDENTIFIER at offset " + element.start() + " ends mid-arc");
        }
        return out.toString();
    }

    /**
     * A directory string's text: UTF8String, PrintableString, IA5String or (as some manufacturers write) a
     * T61String or BMPString.
     */
    static String text(Element element) throws EkCertificateException {
        byte[] value = element.value();
        return switch (element.tag()) {
            case 0x0C -> new String(value, StandardCharsets.UTF_8);
            case 0x13, 0x16, 0x14 -> new String(value, StandardCharsets.ISO_8859_1);
            case 0x1E -> new String(value, StandardCharsets.UTF_16BE);
            default -> throw new EkCertificateException(String.format("expected a directory string at offset %d,"
                    + " found tag 0x%02x", element.start(), element.tag()));
        };
    }
}
