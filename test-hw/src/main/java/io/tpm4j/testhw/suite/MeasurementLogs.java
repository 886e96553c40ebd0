package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.commands.PcrRead;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.attest.PcrMismatch;
import io.tpm4j.attest.PcrValues;
import io.tpm4j.attest.eventlog.EventLogException;
import io.tpm4j.attest.eventlog.FirmwareEvent;
import io.tpm4j.attest.eventlog.FirmwareEventLog;
import io.tpm4j.attest.eventlog.ImaEntry;
import io.tpm4j.attest.eventlog.ImaLog;
import io.tpm4j.attest.eventlog.PcrReplay;
import io.tpm4j.testhw.Target;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's measurement logs against the TPM's PCRs: the firmware event log of /dev/tpmN replayed to PCRs 0-7,
 * the IMA list to PCR 10, each in every bank the log and the TPM both have.
 */
final class MeasurementLogs {

    static final Path SECURITYFS = Path.of("/sys/kernel/security");
    static final Path IMA_LIST = SECURITYFS.resolve("ima/binary_runtime_measurements");
    /** IMA extends the kernel's default chip, the first one registered. */
    static final int IMA_CHIP = 0;
    static final int IMA_PCR = 10;
    static final Set<Integer> FIRMWARE_PCRS = Set.of(0, 1, 2, 3, 4, 5, 6, 7);
    /** No measurement log comes near this; a larger file is not one. */
    private static final int MAX_FILE = 64 << 20;
    private static final Pattern DEVICE = Pattern.compile("tpm(?:rm)?(\\d+)");

    private MeasurementLogs() {
    }

    /** The kernel chip number N of a target on /dev/tpmN or /dev/tpmrmN (directly or under tpm4j's RM). */
    static Optional<Integer> kernelChip(Target target) {
        Path device = switch (target) {
            case Target.Device d -> d.path();
            case Target.ResourceManagerOver r -> r.device();
            case Target.Server _, Target.PrivateSwtpm _ -> null;
        };
        Matcher m = device == null ? null : DEVICE.matcher(device.getFileName().toString());
        return m != null && m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    /** Where the kernel exposes chip N's firmware event log. */
    static Path firmwareLog(int chip) {
        return SECURITYFS.resolve("tpm" + chip).resolve("binary_bios_measurements");
    }

    /** The whole file; securityfs files report size 0, so this reads to the end rather than trusting the size. */
    static byte[] read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(MAX_FILE + 1);
            if (bytes.length > MAX_FILE) {
                throw new IOException(path + " is larger than " + MAX_FILE + " bytes: not a measurement log");
            }
            return bytes;
        }
    }

    /** The banks the TPM has with every PCR of {@code pcrs} allocated, in the TPM's order. */
    static List<TpmAlg> tpmBanks(Tpm tpm, Set<Integer> pcrs) {
        return tpm.pcrBanks().stream().filter(b -> b.indices().containsAll(pcrs))
                .flatMap(b -> TpmAlg.of(b.hashAlg()).stream()).toList();
    }

    /** {@code pcrs} of {@code banks}, read from the TPM. */
    static PcrValues read(Tpm tpm, List<TpmAlg> banks, Set<Integer> pcrs) {
        Map<TpmAlg, Map<Integer, byte[]>> values = new EnumMap<>(TpmAlg.class);
        int[] indexes = pcrs.stream().mapToInt(Integer::intValue).sorted().toArray();
        for (TpmAlg bank : banks) {
            values.put(bank, tpm.pcrValues(bank, indexes));
        }
        return PcrValues.of(values);
    }

    /** A log compared with the TPM: the banks compared and every PCR that differs. */
    record Comparison<E>(List<TpmAlg> banks, List<PcrMismatch<E>> mismatches) {
    }

    /** The firmware log replayed and compared with PCRs 0-7 in each bank both the log and the TPM have. */
    static Comparison<FirmwareEvent> compareFirmware(FirmwareEventLog log, Tpm tpm) {
        List<TpmAlg> banks = tpmBanks(tpm, FIRMWARE_PCRS).stream().filter(log.banks()::contains).toList();
        return new Comparison<>(banks, log.replay().compare(read(tpm, banks, FIRMWARE_PCRS)));
    }

    /**
     * PCR 10 in every bank, in as few TPM2_PCR_Read calls as it takes (one for up to 8 banks), so that an IMA
     * extension cannot fall between two banks' reads.
     */
    static PcrValues readPcr10(Tpm tpm, List<TpmAlg> banks) {
        Map<TpmAlg, Map<Integer, byte[]>> values = new EnumMap<>(TpmAlg.class);
        List<TpmAlg> left = new ArrayList<>(banks);
        while (!left.isEmpty()) {
            PcrRead.Response response = tpm.pcrRead(left.stream().map(b -> PcrSelection.of(b, IMA_PCR)).toList());
            int next = 0;
            for (PcrSelection returned : response.pcrSelectionOut()) {
                if (returned.indices().contains(IMA_PCR)) {
                    TpmAlg bank = TpmAlg.of(returned.hashAlg()).orElseThrow();
                    values.put(bank, Map.of(IMA_PCR, response.pcrValues().get(next++)));
                    left.remove(bank);
                }
            }
            if (next == 0) {
                throw new AssertionError("TPM2_PCR_Read returned no value of PCR 10 for " + left);
            }
        }
        return PcrValues.of(values);
    }

    /** Where a read of the IMA list comes from: the kernel's file, or a test's own list. */
    @FunctionalInterface
    interface ListSource {
        byte[] read() throws IOException;
    }

    /**
     * The IMA list compared with PCR 10 in each bank the TPM has. IMA goes on measuring while this runs, so the list
     * is read before and after PCR 10, and that is repeated (until {@code timeout}) while the two reads differ or the
     * replay does not match: IMA adds an entry to the list before it extends the PCR. A bank matches when PCR 10
     * equals the list replayed with that bank's hash, or with the SHA-1 digests zero-padded, which is what the kernel
     * extends into a bank whose hash it did not have when IMA started.
     *
     * @return the last comparison, and how many rounds it took
     */
    static ImaComparison compareIma(ListSource list, Tpm tpm, Duration timeout) throws IOException,
            EventLogException {
        List<TpmAlg> banks = tpmBanks(tpm, Set.of(IMA_PCR));
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int round = 1; ; round++) {
            byte[] before = list.read();
            PcrValues pcr10 = readPcr10(tpm, banks);
            byte[] after = list.read();
            boolean stable = Arrays.equals(before, after);
            ImaComparison comparison = stable ? compareIma(ImaLog.parseBinary(before), pcr10, round) : null;
            if (comparison != null && comparison.mismatches().isEmpty()) {
                return comparison;
            }
            if (System.nanoTime() > deadline) {
                if (comparison == null) {
                    throw new AssertionError("the IMA list grew around every PCR 10 read for " + timeout
                            + " (" + round + " rounds)");
                }
                return comparison;
            }
            sleep(Duration.ofMillis(Math.min(500, 20L * round)));
        }
    }

    /** One IMA list against one read of PCR 10. */
    static ImaComparison compareIma(ImaLog log, PcrValues pcr10, int rounds) throws EventLogException {
        TpmAlg[] banks = pcr10.banks().toArray(TpmAlg[]::new);
        PcrReplay<ImaEntry> hashed = log.replay(banks);
        PcrReplay<ImaEntry> padded = log.replayPaddedSha1(banks);
        Map<TpmAlg, String> how = new LinkedHashMap<>();
        List<PcrMismatch<ImaEntry>> mismatches = new ArrayList<>();
        for (TpmAlg bank : banks) {
            PcrValues one = PcrValues.of(Map.of(bank, Map.of(IMA_PCR, pcr10.get(bank, IMA_PCR).orElseThrow())));
            List<PcrMismatch<ImaEntry>> byHash = hashed.compare(one);
            if (byHash.isEmpty()) {
                how.put(bank, "hashed");
            } else if (padded.compare(one).isEmpty()) {
                how.put(bank, "padded SHA-1");
            } else {
                mismatches.addAll(byHash);
            }
        }
        return new ImaComparison(log.entries().size(), how, mismatches, rounds);
    }

    /**
     * The IMA list against PCR 10.
     *
     * @param entries    the list's entries
     * @param matched    each bank that matched, and how: "hashed" (the bank's own hash) or "padded SHA-1"
     * @param mismatches each bank that matched neither way (with the bank's own hash)
     * @param rounds     how many list-PCR-list reads it took
     */
    record ImaComparison(int entries, Map<TpmAlg, String> matched, List<PcrMismatch<ImaEntry>> mismatches,
                         int rounds) {
    }

    /** What {@code tpm2_eventlog FILE} makes of a firmware log: its event count and its replayed PCRs. */
    record Tpm2Eventlog(long events, PcrValues pcrs) {

        private static final Pattern BANK = Pattern.compile("^ {2}(sha\\w+):\\s*$");
        private static final Pattern PCR = Pattern.compile("^ {4}(\\d+)\\s*:\\s*0x([0-9A-Fa-f]+)\\s*$");

        /** Parses tpm2_eventlog's YAML: one "- EventNum:" line per event, then "pcrs:", banks and "N : 0xHEX". */
        static Tpm2Eventlog parse(List<String> yaml) {
            long events = yaml.stream().filter(l -> l.startsWith("- EventNum:")).count();
            int pcrs = yaml.indexOf("pcrs:");
            if (pcrs < 0) {
                throw new AssertionError("tpm2_eventlog printed no pcrs: section");
            }
            Map<TpmAlg, Map<Integer, byte[]>> values = new EnumMap<>(TpmAlg.class);
            Map<Integer, byte[]> bank = null;
            for (String line : yaml.subList(pcrs + 1, yaml.size())) {
                Matcher b = BANK.matcher(line);
                Matcher p = PCR.matcher(line);
                if (b.matches()) {
                    bank = values.computeIfAbsent(TpmAlg.valueOf(b.group(1).toUpperCase(java.util.Locale.ROOT)),
                            k -> new TreeMap<>());
                } else if (p.matches() && bank != null) {
                    bank.put(Integer.parseInt(p.group(1)), java.util.HexFormat.of().parseHex(p.group(2)));
                }
            }
            return new Tpm2Eventlog(events, PcrValues.of(values));
        }

        /** Whether tpm2_eventlog is on the PATH. */
        static boolean isInstalled() {
            return Optional.ofNullable(System.getenv("PATH")).stream()
                    .flatMap(p -> Arrays.stream(p.split(":")))
                    .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, "tpm2_eventlog")));
        }

        /** Runs {@code tpm2_eventlog FILE}; a failure or a hang is an assertion error with its output. */
        static Tpm2Eventlog run(Path file) throws IOException, InterruptedException {
            Process process = new ProcessBuilder("tpm2_eventlog", file.toString()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readNBytes(MAX_FILE);
            String text = new String(output, java.nio.charset.StandardCharsets.UTF_8);
            if (!process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("tpm2_eventlog " + file + " did not finish in 120 s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("tpm2_eventlog " + file + " failed (status " + process.exitValue() + "): "
                        + text);
            }
            return parse(text.lines().toList());
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the IMA list to settle", e);
        }
    }
}
