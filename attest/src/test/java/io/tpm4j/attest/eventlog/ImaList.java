package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TpmAlg;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static io.tpm4j.attest.eventlog.LogBuilder.ascii;
import static io.tpm4j.attest.eventlog.LogBuilder.sha;

/**
 * Writes synthetic IMA lists in both forms, as the kernel does: the binary entry (PCR, SHA-1 template digest, name,
 * template data) and the ASCII line ("%2d %s %s" and a space before each field); and the PCR 10 they replay to.
 */
final class ImaList {

    private record Entry(int pcr, String template, List<byte[]> fields, List<String> asciiFields, boolean violation) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private int pcr = 10;

    ImaList pcr(int index) {
        pcr = index;
        return this;
    }

    ImaList ng(String template, String algorithm, byte[] digest, String name) {
        return add(template, List.of(dng(algorithm, digest), nul(name)),
                List.of(algorithm + ":" + HexFormat.of().formatHex(digest), name), false);
    }

    ImaList violation(String name) {
        return add("ima-ng", List.of(dng("sha256", new byte[32]), nul(name)),
                List.of("sha256:" + "00".repeat(32), name), true);
    }

    ImaList buf(String name, byte[] buffer) {
        byte[] digest = sha(TpmAlg.SHA256, buffer);
        return add("ima-buf", List.of(dng("sha256", digest), nul(name), buffer), List.of("sha256:"
                + HexFormat.of().formatHex(digest), name, HexFormat.of().formatHex(buffer)), false);
    }

    ImaList sig(String name, byte[] signature) {
        byte[] digest = sha(TpmAlg.SHA256, ascii(name));
        return add("ima-sig", List.of(dng("sha256", digest), nul(name), signature), List.of("sha256:"
                + HexFormat.of().formatHex(digest), name, HexFormat.of().formatHex(signature)), false);
    }

    /** A template this module does not decode: two fields. */
    ImaList other() {
        return add("my-template", List.of(new byte[] {1, 2}, new byte[] {3, 4}), List.of("0102", "0304"), false);
    }

    private ImaList add(String template, List<byte[]> fields, List<String> asciiFields, boolean violation) {
        entries.add(new Entry(pcr, template, fields, asciiFields, violation));
        return this;
    }

    byte[] binary() {
        LogBuilder out = new LogBuilder();
        for (Entry e : entries) {
            byte[] data = data(e);
            out.u32(e.pcr).bytes(templateDigest(e)).u32(e.template.length()).bytes(ascii(e.template))
                    .u32(data.length).bytes(data);
        }
        return out.build();
    }

    byte[] asciiList() {
        StringBuilder out = new StringBuilder();
        for (Entry e : entries) {
            out.append(String.format("%2d %s %s", e.pcr, HexFormat.of().formatHex(templateDigest(e)), e.template));
            e.asciiFields.forEach(f -> out.append(' ').append(f));
            out.append('\n');
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** PCR 10 in {@code bank} after every entry, computed here independently of the parser. */
    byte[] expected(TpmAlg bank) {
        byte[] value = new byte[bank.digestSize().getAsInt()];
        for (Entry e : entries) {
            byte[] extended = new byte[value.length];
            if (e.violation) {
                Arrays.fill(extended, (byte) 0xFF);
            } else {
                extended = sha(bank, data(e));
            }
            byte[] both = Arrays.copyOf(value, value.length * 2);
            System.arraycopy(extended, 0, both, value.length, value.length);
            value = sha(bank, both);
        }
        return value;
    }

    private static byte[] templateDigest(Entry e) {
        return e.violation ? new byte[20] : sha(TpmAlg.SHA1, data(e));
    }

    private static byte[] data(Entry e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] field : e.fields) {
            out.writeBytes(new LogBuilder().u32(field.length).build());
            out.writeBytes(field);
        }
        return out.toByteArray();
    }

    private static byte[] dng(String algorithm, byte[] digest) {
        byte[] prefix = ascii(algorithm + ":\0");
        byte[] field = Arrays.copyOf(prefix, prefix.length + digest.length);
        System.arraycopy(digest, 0, field, prefix.length, digest.length);
        return field;
    }

    private static byte[] nul(String name) {
        return (name + "\0").getBytes(StandardCharsets.UTF_8);
    }
}
