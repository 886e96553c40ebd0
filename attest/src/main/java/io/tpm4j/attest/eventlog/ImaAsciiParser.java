package io.tpm4j.attest.eventlog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads IMA's ascii_runtime_measurements: one line per entry, {@code PCR TEMPLATE-DIGEST TEMPLATE-NAME} and then
 * each template field after one space (an empty field leaves just its space). The fields are turned back into the
 * bytes the kernel hashed, so every bank replays; a file name may hold spaces, as the fields after it are hex.
 */
final class ImaAsciiParser {

    private static final int SHA1_HEX = 40;
    /** The PCR is printed "%2d": single digits after a space. */
    private static final int MAX_PCR_DIGITS = 3;

    private ImaAsciiParser() {
    }

    static List<ImaEntry> parse(byte[] list) throws EventLogException {
        // ISO-8859-1 keeps every byte as one char, so offsets stay byte offsets and names round-trip exactly.
        String text = new String(list, StandardCharsets.ISO_8859_1);
        List<ImaEntry> entries = new ArrayList<>();
        int lineStart = 0;
        while (lineStart < text.length()) {
            int lineEnd = text.indexOf('\n', lineStart);
            if (lineEnd < 0) {
                throw new EventLogException("the last IMA entry has no line end: the list is truncated", lineStart);
            }
            entries.add(entry(new Line(text.substring(lineStart, lineEnd), lineStart), entries.size()));
            lineStart = lineEnd + 1;
        }
        return entries;
    }

    private static ImaEntry entry(Line line, int number) throws EventLogException {
        String pcrText = line.token(MAX_PCR_DIGITS + 1, "PCR").strip();
        if (pcrText.isEmpty() || pcrText.length() > MAX_PCR_DIGITS || !pcrText.chars().allMatch(Character::isDigit)
                || Integer.parseInt(pcrText) >= FirmwareLogParser.PCR_COUNT) {
            throw line.error("the PCR '" + pcrText + "' is not a PCR index below " + FirmwareLogParser.PCR_COUNT);
        }
        int pcr = Integer.parseInt(pcrText);
        byte[] digest = line.hex(line.token(SHA1_HEX, "template digest"), "template digest");
        if (digest.length != SHA1_HEX / 2) {
            throw line.error("the template digest has " + digest.length + " bytes, not " + SHA1_HEX / 2);
        }
        String name = line.token(Integer.MAX_VALUE, "template name");
        String rest = line.rest();
        if (name.equals(ImaTemplates.IMA)) {
            int space = rest.indexOf(' ');
            byte[] fileDigest = line.hex(space < 0 ? rest : rest.substring(0, space), "ima file digest");
            byte[] fileName = bytes(space < 0 ? "" : rest.substring(space + 1));
            if (fileDigest.length != ImaTemplates.IMA_DIGEST_SIZE || fileName.length > ImaTemplates.IMA_NAME_MAX) {
                throw line.error("an ima entry needs a " + ImaTemplates.IMA_DIGEST_SIZE
                        + "-byte digest and a name of at most " + ImaTemplates.IMA_NAME_MAX + " bytes");
            }
            var decoded = ImaTemplates.ima(fileDigest, fileName);
            return new ImaEntry(number, line.offset, pcr, digest, name, decoded.template(), decoded.hashedData());
        }
        if (!ImaTemplates.hasFields(name)) {
            return new ImaEntry(number, line.offset, pcr, digest, name, new ImaTemplate.AsciiOnly(rest), new byte[0]);
        }
        List<byte[]> fields = ngFields(name, rest, line);
        byte[] templateData = ImaTemplates.templateData(fields);
        return new ImaEntry(number, line.offset, pcr, digest, name,
                ImaTemplates.decode(name, fields, templateData, line.offset), templateData);
    }

    /** d-ng, n-ng and, for ima-sig and ima-buf, one hex field last: the name is what lies between. */
    private static List<byte[]> ngFields(String template, String rest, Line line) throws EventLogException {
        int space = rest.indexOf(' ');
        if (space < 0) {
            throw line.error("the " + template + " entry has no name after its digest");
        }
        String digestText = rest.substring(0, space);
        int colon = digestText.indexOf(':');
        byte[] digestField = ImaTemplates.digestField(colon < 0 ? null : digestText.substring(0, colon),
                line.hex(digestText.substring(colon + 1), "file digest"));
        String afterDigest = rest.substring(space + 1);
        List<byte[]> fields = new ArrayList<>(3);
        fields.add(digestField);
        if (template.equals(ImaTemplates.IMA_NG)) {
            fields.add(nulTerminated(afterDigest));
            return fields;
        }
        int last = afterDigest.lastIndexOf(' ');
        if (last < 0) {
            throw line.error("the " + template + " entry has no field after its name");
        }
        fields.add(nulTerminated(afterDigest.substring(0, last)));
        fields.add(line.hex(afterDigest.substring(last + 1), template + " last field"));
        return fields;
    }

    private static byte[] nulTerminated(String name) {
        return bytes(name + "\0");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One line of the list, read left to right. */
    private static final class Line {
        private final String text;
        private final long offset;
        private int position;

        Line(String text, long offset) {
            this.text = text;
            this.offset = offset;
        }

        /** Up to the next space, at most {@code max} chars; the first token may start with spaces ("%2d"). */
        String token(int max, String what) throws EventLogException {
            int start = position;
            int from = position;
            while (start == 0 && from < text.length() && text.charAt(from) == ' ') {
                from++;
            }
            int space = text.indexOf(' ', from);
            if (space < 0 || space - start > max) {
                throw error("no " + what + " where one was due");
            }
            position = space + 1;
            return text.substring(start, space);
        }

        String rest() {
            return text.substring(position);
        }

        byte[] hex(String digits, String what) throws EventLogException {
            if (digits.length() % 2 != 0) {
                throw error("the " + what + " has an odd number of hex digits");
            }
            byte[] out = new byte[digits.length() / 2];
            for (int i = 0; i < out.length; i++) {
                int high = Character.digit(digits.charAt(2 * i), 16);
                int low = Character.digit(digits.charAt(2 * i + 1), 16);
                if (high < 0 || low < 0) {
                    throw error("the " + what + " is not hex: '" + digits.substring(2 * i, 2 * i + 2) + "'");
                }
                out[i] = (byte) (high << 4 | low);
            }
            return out;
        }

        EventLogException error(String problem) {
            return new EventLogException("IMA line '" + abbreviated() + "': " + problem, offset + position);
        }

        private String abbreviated() {
            return text.length() <= 80 ? text : text.substring(0, 80) + "…";
        }
    }
}
