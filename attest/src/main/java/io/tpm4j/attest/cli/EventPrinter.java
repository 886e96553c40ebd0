package io.tpm4j.attest.cli;

import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.attest.eventlog.EfiGuids;
import io.tpm4j.attest.eventlog.EfiSignatureList;
import io.tpm4j.attest.eventlog.EventData;
import io.tpm4j.attest.eventlog.FirmwareEvent;
import io.tpm4j.attest.eventlog.ImaEntry;
import io.tpm4j.attest.eventlog.ImaTemplate;

import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/** Renders events for people: one header line per event, then its digests indented below it. */
final class EventPrinter {

    /** Raw data longer than this is cut in the listing; the whole of it is in the file. */
    private static final int MAX_HEX_BYTES = 64;
    private static final HexFormat HEX = HexFormat.of();

    private EventPrinter() {
    }

    static String firmware(FirmwareEvent event) {
        StringBuilder out = new StringBuilder();
        out.append('#').append(event.number()).append(" PCR ").append(event.pcrIndex()).append(' ')
                .append(event.typeName()).append(' ').append(describe(event.decoded(), event.data())).append('\n');
        for (TaggedDigest digest : event.digests()) {
            out.append("  ").append(TpmAlg.describe(digest.hashAlg().value())).append(' ')
                    .append(HEX.formatHex(digest.digest())).append('\n');
        }
        return out.toString();
    }

    static String ima(ImaEntry entry) {
        String detail = switch (entry.template()) {
            case ImaTemplate.Ima t -> HEX.formatHex(t.fileDigest()) + " " + t.fileName();
            case ImaTemplate.ImaNg t -> digest(t.hashAlgorithm(), t.fileDigest()) + " " + t.fileName();
            case ImaTemplate.ImaSig t -> digest(t.hashAlgorithm(), t.fileDigest()) + " " + t.fileName()
                    + (t.signature().length == 0 ? "" : " signature " + hex(t.signature()));
            case ImaTemplate.ImaBuf t -> digest(t.hashAlgorithm(), t.digest()) + " " + t.name() + " buffer "
                    + hex(t.buffer());
            case ImaTemplate.Other t -> t.templateData().length + " bytes: " + hex(t.templateData());
            case ImaTemplate.AsciiOnly t -> t.fields();
        };
        return "#" + entry.number() + " PCR " + entry.pcrIndex() + " " + HEX.formatHex(entry.templateDigest()) + " "
                + entry.templateName() + " " + detail + (entry.isViolation() ? " (violation)" : "")
                + (entry.digestMatchesData() ? "" : " (template digest does not match its data)") + "\n";
    }

    private static String describe(EventData decoded, byte[] data) {
        return switch (decoded) {
            case EventData.SpecId id -> "Spec ID Event03: platform class " + id.platformClass() + ", spec "
                    + id.specVersionMajor() + "." + id.specVersionMinor() + " errata " + id.specErrata()
                    + ", banks " + id.algorithms().stream().map(a -> TpmAlg.describe(a.value()))
                    .collect(Collectors.joining(" "));
            case EventData.StartupLocality start -> "StartupLocality " + start.locality();
            case EventData.EfiVariable variable -> variable(variable);
            case EventData.ImageLoad image -> String.format("image at 0x%x, %d bytes, device path %s",
                    image.imageLocation(), image.imageLength(), hex(image.devicePath()));
            case EventData.Separator separator -> "separator " + HEX.formatHex(separator.value())
                    + (separator.isError() ? " (error)" : "");
            case EventData.Text text -> '"' + text.text().replace("\n", "\\n") + '"';
            case EventData.FirmwareBlob blob -> String.format("firmware blob at 0x%x, %d bytes", blob.base(),
                    blob.length());
            case EventData.Other other -> data.length + " bytes: " + hex(data);
            case EventData.Undecodable bad -> "undecodable (" + bad.problem() + "), " + data.length + " bytes: "
                    + hex(data);
        };
    }

    private static String variable(EventData.EfiVariable variable) {
        String head = "variable " + variable.vendor() + " " + variable.name();
        if (variable.secureBootEnabled().isPresent()) {
            return head + ": Secure Boot " + (variable.secureBootEnabled().get() ? "on" : "off");
        }
        List<EfiSignatureList> lists = variable.signatureLists();
        if (lists.isEmpty()) {
            return head + ", " + variable.value().length + " bytes: " + hex(variable.value());
        }
        long certificates = count(lists, true);
        return head + ": " + lists.size() + " signature lists, " + certificates + " X.509 certificates, "
                + count(lists, false) + " other signatures";
    }

    private static long count(List<EfiSignatureList> lists, boolean certificates) {
        return lists.stream().filter(l -> EfiGuids.CERT_X509.equals(l.type()) == certificates)
                .mapToLong(l -> l.signatures().size()).sum();
    }

    private static String digest(String algorithm, byte[] digest) {
        return (algorithm.isEmpty() ? "" : algorithm + ":") + HEX.formatHex(digest);
    }

    private static String hex(byte[] data) {
        return data.length <= MAX_HEX_BYTES ? HEX.formatHex(data)
                : HEX.formatHex(data, 0, MAX_HEX_BYTES) + "… (" + data.length + " bytes)";
    }
}
