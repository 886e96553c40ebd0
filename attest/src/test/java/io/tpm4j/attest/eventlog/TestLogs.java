package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.attest.PcrValues;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The logs and PCRs captured in the kernel VM (kvm/capture.sh), and a reader for tpm2-tools' PCR YAML. */
final class TestLogs {

    /** SeaBIOS's crypto-agile log, IMA with ima_policy=tcb (template ima-sig), and the PCRs read after both. */
    static final String KVM = "/io/tpm4j/attest/kvm/";
    /** The same boot with ima_hash=sha1 ima_template=ima: the original IMA template. */
    static final String KVM_IMA_TEMPLATE = "/io/tpm4j/attest/kvm-ima-template/";
    static final String FIRMWARE_LOG = KVM + "binary_bios_measurements";
    static final String IMA_BINARY = "ima_binary_runtime_measurements";
    static final String IMA_ASCII = "ima_ascii_runtime_measurements";

    private static final Pattern BANK = Pattern.compile("^\\s+(sha\\w+):\\s*$");
    private static final Pattern PCR = Pattern.compile("^\\s+(\\d+)\\s*:\\s*0x([0-9A-Fa-f]+)\\s*$");

    private TestLogs() {
    }

    static byte[] resource(String name) {
        try (InputStream in = TestLogs.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The PCRs in tpm2_pcrread's (or tpm2_eventlog's "pcrs:" section's) YAML: bank lines, then "N : 0xHEX". */
    static PcrValues pcrYaml(List<String> lines) {
        Map<TpmAlg, Map<Integer, byte[]>> values = new EnumMap<>(TpmAlg.class);
        Map<Integer, byte[]> bank = null;
        for (String line : lines) {
            Matcher b = BANK.matcher(line);
            Matcher p = PCR.matcher(line);
            if (b.matches()) {
                bank = values.computeIfAbsent(TpmAlg.valueOf(b.group(1).toUpperCase()), k -> new TreeMap<>());
            } else if (p.matches() && bank != null) {
                bank.put(Integer.parseInt(p.group(1)), HexFormat.of().parseHex(p.group(2).toLowerCase()));
            }
        }
        return PcrValues.of(values);
    }

    /** Only the given banks of {@code values}. */
    static PcrValues banks(PcrValues values, TpmAlg... banks) {
        Map<TpmAlg, Map<Integer, byte[]>> kept = new EnumMap<>(TpmAlg.class);
        for (TpmAlg bank : banks) {
            Map<Integer, byte[]> pcrs = new TreeMap<>();
            values.indexes(bank).forEach(i -> pcrs.put(i, values.get(bank, i).orElseThrow()));
            kept.put(bank, pcrs);
        }
        return PcrValues.of(kept);
    }

    static PcrValues capturedPcrs(String dir) {
        return pcrYaml(new String(resource(dir + "pcrs.yaml"), StandardCharsets.US_ASCII).lines().toList());
    }
}
