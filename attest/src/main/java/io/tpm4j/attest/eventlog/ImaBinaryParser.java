package io.tpm4j.attest.eventlog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads IMA's binary_runtime_measurements (Linux security/integrity/ima/ima_fs.c): per entry the PCR, the SHA-1
 * template digest, the template name, then for {@code ima} its digest and name, for any other template the template
 * data's length and its fields. In the kernel's byte order: little-endian on x86 (and on any machine with
 * {@code ima_canonical_fmt}).
 */
final class ImaBinaryParser {

    /** IMA_TEMPLATE_NAME_LEN_MAX. */
    private static final int TEMPLATE_NAME_MAX = 15;
    private static final int SHA1_SIZE = 20;

    private ImaBinaryParser() {
    }

    static List<ImaEntry> parse(byte[] list) throws EventLogException {
        LogReader in = new LogReader(list);
        List<ImaEntry> entries = new ArrayList<>();
        while (!in.atEnd()) {
            entries.add(entry(in, entries.size()));
        }
        return entries;
    }

    private static ImaEntry entry(LogReader in, int number) throws EventLogException {
        int start = in.position();
        int pcr = in.u32Bounded(FirmwareLogParser.PCR_COUNT - 1, "IMA entry PCR");
        byte[] digest = in.bytes(SHA1_SIZE, "IMA template digest");
        int nameAt = in.position();
        int nameLength = in.u32Bounded(TEMPLATE_NAME_MAX, "IMA template name length");
        String name = new String(in.bytes(nameLength, "IMA template name"), StandardCharsets.ISO_8859_1);
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new EventLogException("IMA template name '" + name + "' is not a template's name", nameAt);
        }
        if (name.equals(ImaTemplates.IMA)) {
            byte[] fileDigest = in.bytes(ImaTemplates.IMA_DIGEST_SIZE, "ima template file digest");
            int fileNameLength = in.u32Bounded(ImaTemplates.IMA_NAME_MAX, "ima template file name length");
            var decoded = ImaTemplates.ima(fileDigest, in.bytes(fileNameLength, "ima template file name"));
            return new ImaEntry(number, start, pcr, digest, name, decoded.template(), decoded.hashedData());
        }
        int dataLength = in.length("IMA template data length");
        int dataAt = in.position();
        LogReader data = in.slice(dataLength, "IMA template data");
        byte[] templateData = data.copy().bytes(dataLength, "IMA template data");
        List<byte[]> fields = new ArrayList<>();
        while (ImaTemplates.hasFields(name) && !data.atEnd()) {
            fields.add(data.bytes(data.length("IMA template field length"), "IMA template field"));
        }
        return new ImaEntry(number, start, pcr, digest, name,
                ImaTemplates.decode(name, fields, templateData, dataAt), templateData);
    }
}
