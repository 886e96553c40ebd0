package io.tpm4j.attest.eventlog;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The template fields both forms of the IMA list share (Linux security/integrity/ima/ima_template_lib.c's
 * layouts): a d-ng digest is {@code "<algorithm>:\0"} then the digest, an n-ng name ends in a NUL, and a template
 * other than {@code ima} is hashed as its fields, each preceded by its 32-bit length.
 */
final class ImaTemplates {

    static final String IMA = "ima";
    static final String IMA_NG = "ima-ng";
    static final String IMA_SIG = "ima-sig";
    static final String IMA_BUF = "ima-buf";
    /** The {@code ima} template's digest field: SHA-1 size (an MD5 digest is padded to it). */
    static final int IMA_DIGEST_SIZE = 20;
    /** IMA_EVENT_NAME_LEN_MAX: the {@code ima} template hashes its name padded to this plus one NUL. */
    static final int IMA_NAME_MAX = 255;
    /** A hash algorithm's name in a d-ng field is short ("sha256", "streebog512"). */
    private static final int MAX_ALGORITHM_NAME = 64;

    private ImaTemplates() {
    }

    /** A decoded entry of the {@code ima} template, and the bytes the kernel hashed for it. */
    static Decoded ima(byte[] fileDigest, byte[] name) {
        byte[] hashed = Arrays.copyOf(fileDigest, IMA_DIGEST_SIZE + IMA_NAME_MAX + 1);
        System.arraycopy(name, 0, hashed, IMA_DIGEST_SIZE, name.length);
        return new Decoded(new ImaTemplate.Ima(fileDigest, utf8(name)), hashed);
    }

    /** Whether this module decodes a template's fields (the others are kept whole). */
    static boolean hasFields(String templateName) {
        return fieldCount(templateName) > 0;
    }

    private static int fieldCount(String templateName) {
        return switch (templateName) {
            case IMA_NG -> 2;
            case IMA_SIG, IMA_BUF -> 3;
            default -> -1;
        };
    }

    /** Decodes the fields of a template other than {@code ima}; an unknown template stays {@link ImaTemplate.Other}. */
    static ImaTemplate decode(String templateName, List<byte[]> fields, byte[] templateData, long offset)
            throws EventLogException {
        int expected = fieldCount(templateName);
        if (expected < 0) {
            return new ImaTemplate.Other(templateData);
        }
        if (fields.size() != expected) {
            throw new EventLogException("template " + templateName + " has " + expected + " fields, not "
                    + fields.size(), offset);
        }
        byte[] digestField = fields.get(0);
        int separator = algorithmEnd(digestField);
        String algorithm = separator < 0 ? "" : new String(digestField, 0, separator, StandardCharsets.US_ASCII);
        byte[] digest = Arrays.copyOfRange(digestField, separator < 0 ? 0 : separator + 2, digestField.length);
        String name = utf8(withoutNul(fields.get(1)));
        return switch (templateName) {
            case IMA_NG -> new ImaTemplate.ImaNg(algorithm, digest, name);
            case IMA_SIG -> new ImaTemplate.ImaSig(algorithm, digest, name, fields.get(2));
            default -> new ImaTemplate.ImaBuf(algorithm, digest, name, fields.get(2));
        };
    }

    /** The template data of a template other than {@code ima}: each field after its 32-bit length. */
    static byte[] templateData(List<byte[]> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] field : fields) {
            int length = field.length;
            out.write(length);
            out.write(length >>> 8);
            out.write(length >>> 16);
            out.write(length >>> 24);
            out.writeBytes(field);
        }
        return out.toByteArray();
    }

    /** A d-ng field as the ASCII list prints it ("sha256:" then hex), turned back into its bytes. */
    static byte[] digestField(String algorithm, byte[] digest) {
        if (algorithm == null) {
            return digest;
        }
        byte[] prefix = (algorithm + ":\0").getBytes(StandardCharsets.ISO_8859_1);
        byte[] field = Arrays.copyOf(prefix, prefix.length + digest.length);
        System.arraycopy(digest, 0, field, prefix.length, digest.length);
        return field;
    }

    /** Where a d-ng field's {@code "<algorithm>:\0"} prefix has its colon; -1 for a bare digest. */
    private static int algorithmEnd(byte[] field) {
        for (int i = 0; i < Math.min(field.length - 1, MAX_ALGORITHM_NAME); i++) {
            if (field[i] == ':' && field[i + 1] == 0) {
                return i;
            }
            if (field[i] < 0x20 || field[i] > 0x7E) {
                return -1;
            }
        }
        return -1;
    }

    private static byte[] withoutNul(byte[] name) {
        return name.length > 0 && name[name.length - 1] == 0 ? Arrays.copyOf(name, name.length - 1) : name;
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A template entry decoded, with the bytes its template digest is the hash of. */
    record Decoded(ImaTemplate template, byte[] hashedData) {
    }
}
