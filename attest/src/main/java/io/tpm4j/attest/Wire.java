package io.tpm4j.attest;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * tpm4j's wire format for the messages of an attestation (docs/attestation.md, "Wire format"): a 4-byte magic naming
 * the message, a version byte, then its fields in a fixed order and nothing after them. A field is a 32-bit length and
 * that many bytes; an optional field is a presence byte (0 or 1) before it; a list is a 16-bit count of fields. Every
 * length is checked against the field's bound and the bytes left before anything is allocated.
 */
final class Wire {

    static final int VERSION = 1;
    private static final int HEADER = 5;

    private Wire() {
    }

    /** Starts a message: its magic and the version; the fields follow. */
    static Out start(String magic) {
        Out out = new Out();
        out.writer.bytes(magic.getBytes(StandardCharsets.US_ASCII)).u8(VERSION);
        return out;
    }

    /** Reads a message that must start with {@code magic} and this version. */
    static In read(byte[] message, String magic, String what, int maxBytes) throws MessageFormatException {
        if (message.length > maxBytes) {
            throw new MessageFormatException(what + " has " + message.length + " bytes, more than the " + maxBytes
                    + " accepted", 0);
        }
        if (message.length < HEADER) {
            throw new MessageFormatException(what + " has " + message.length + " bytes, fewer than its "
                    + HEADER + "-byte magic and version", 0);
        }
        String found = new String(message, 0, 4, StandardCharsets.ISO_8859_1);
        if (!found.equals(magic)) {
            throw new MessageFormatException("not " + what + ": the magic is \"" + printable(found) + "\", not \""
                    + magic + "\"", 0);
        }
        int version = message[4] & 0xFF;
        if (version != VERSION) {
            throw new MessageFormatException(what + " of version " + version + "; this is version " + VERSION, 4);
        }
        return new In(message, what);
    }

    private static String printable(String s) {
        return s.codePoints().map(c -> c >= 0x20 && c < 0x7F ? c : '?')
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    static final class Out {
        private final TpmWriter writer = new TpmWriter(256);

        Out bytes(byte[] value) {
            writer.u32(value.length).bytes(value);
            return this;
        }

        Out optional(Optional<byte[]> value) {
            writer.u8(value.isPresent() ? 1 : 0);
            value.ifPresent(this::bytes);
            return this;
        }

        Out list(List<byte[]> values) {
            writer.u16(values.size());
            values.forEach(this::bytes);
            return this;
        }

        Out publicArea(PublicArea area) {
            return bytes(area.toBytes());
        }

        /**
         * PCR values: a 16-bit count, then each as its bank's algorithm (16 bits), index (8 bits) and digest field,
         * ordered by algorithm and then index, so that one set of values has one encoding.
         */
        Out pcrValues(PcrValues values) {
            int count = values.banks().stream().mapToInt(b -> values.indexes(b).size()).sum();
            writer.u16(count);
            for (TpmAlg bank : values.banks().stream().sorted(Comparator.comparingInt(TpmAlg::value)).toList()) {
                for (int index : values.indexes(bank)) {
                    writer.u16(bank.value()).u8(index);
                    bytes(values.get(bank, index).orElseThrow());
                }
            }
            return this;
        }

        byte[] toBytes() {
            return writer.toByteArray();
        }
    }

    static final class In {
        private final String what;
        private final TpmReader reader;

        private In(byte[] message, String what) {
            this.what = what;
            this.reader = new TpmReader(message, HEADER, message.length);
        }

        int position() {
            return reader.position();
        }

        byte[] bytes(int max, String field) throws MessageFormatException {
            int at = reader.position();
            try {
                int length = reader.u32(field + " length");
                if (length < 0 || length > max) {
                    throw new MessageFormatException(what + ": " + field + " has " + Integer.toUnsignedString(length)
                            + " bytes, more than the " + max + " allowed", at);
                }
                return reader.bytes(length, field);
            } catch (TpmProtocolException e) {
                throw converted(e, 0);
            }
        }

        Optional<byte[]> optional(int max, String field) throws MessageFormatException {
            int at = reader.position();
            try {
                int present = reader.u8(field + " presence");
                if (present > 1) {
                    throw new MessageFormatException(what + ": " + field + "'s presence byte is " + present
                            + ", not 0 or 1", at);
                }
                return present == 1 ? Optional.of(bytes(max, field)) : Optional.empty();
            } catch (TpmProtocolException e) {
                throw converted(e, 0);
            }
        }

        List<byte[]> list(int maxCount, int maxEach, String field) throws MessageFormatException {
            int count = count(maxCount, field);
            List<byte[]> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                out.add(bytes(maxEach, field + " " + i));
            }
            return out;
        }

        PublicArea publicArea(int max, String field) throws MessageFormatException {
            byte[] bytes = bytes(max, field);
            int start = reader.position() - bytes.length;
            try {
                TpmReader in = new TpmReader(bytes);
                PublicArea area = PublicArea.read(in);
                in.expectEnd(field);
                return area;
            } catch (TpmProtocolException e) {
                throw converted(e, start);
            } catch (IllegalArgumentException e) {
                throw new MessageFormatException(what + ": " + field + " is no TPMT_PUBLIC: " + e.getMessage(), start);
            }
        }

        PcrValues pcrValues(int maxCount, String field) throws MessageFormatException {
            int count = count(maxCount, field);
            int start = reader.position();
            Map<TpmAlg, Map<Integer, byte[]>> values = new EnumMap<>(TpmAlg.class);
            int previous = -1;
            try {
                for (int i = 0; i < count; i++) {
                    int at = reader.position();
                    int alg = reader.u16(field + " bank");
                    int index = reader.u8(field + " index");
                    if ((alg << 8 | index) <= previous) {
                        throw new MessageFormatException(what + ": " + field + " are not in ascending order of bank"
                                + " and index at " + TpmAlg.describe(alg) + " PCR " + index, at);
                    }
                    previous = alg << 8 | index;
                    TpmAlg bank = TpmAlg.of(alg).filter(a -> a.digestSize().isPresent()).orElseThrow(() ->
                            new MessageFormatException(what + ": " + field + " has a PCR of bank "
                                    + TpmAlg.describe(alg) + ", which is not a hash", at));
                    byte[] value = bytes(bank.digestSize().getAsInt(), field + " value");
                    values.computeIfAbsent(bank, b -> new TreeMap<>()).put(index, value);
                }
                return PcrValues.of(values);
            } catch (TpmProtocolException e) {
                throw converted(e, 0);
            } catch (IllegalArgumentException e) {
                throw new MessageFormatException(what + ": " + field + ": " + e.getMessage(), start);
            }
        }

        void end() throws MessageFormatException {
            if (reader.remaining() != 0) {
                throw new MessageFormatException(what + " has " + reader.remaining() + " bytes after its last field",
                        reader.position());
            }
        }

        private int count(int max, String field) throws MessageFormatException {
            int at = reader.position();
            try {
                int count = reader.u16(field + " count");
                if (count > max) {
                    throw new MessageFormatException(what + ": " + field + " has " + count + " entries, more than the "
                            + max + " allowed", at);
                }
                return count;
            } catch (TpmProtocolException e) {
                throw converted(e, 0);
            }
        }

        /** api's reader names the field; its offset is within the bytes it read, which start at {@code base}. */
        private MessageFormatException converted(TpmProtocolException e, int base) {
            MessageFormatException converted = new MessageFormatException(what + ": " + detail(e),
                    base + Math.max(0, e.offset()));
            converted.initCause(e);
            return converted;
        }

        private static String detail(TpmProtocolException e) {
            String message = e.getMessage();
            int cut = message.lastIndexOf(" (at byte offset ");
            return cut < 0 ? message : message.substring(0, cut);
        }
    }
}
