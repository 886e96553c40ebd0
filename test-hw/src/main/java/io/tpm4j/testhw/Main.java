package io.tpm4j.testhw;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.ffi.TpmDevices;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code ./tpm4j check [--device PATH | --swtpm]}: a readable report on a TPM; exit status 0 only if every check passed. */
public final class Main {

    private static final int EXIT_FAILED = 1;
    private static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> list = List.of(args);
        if (list.isEmpty() || !list.getFirst().equals("check")) {
            err.println("usage: tpm4j check [--device PATH | --swtpm]");
            return EXIT_USAGE;
        }
        Optional<Path> device = Optional.empty();
        boolean swtpm = false;
        for (int i = 1; i < list.size(); i++) {
            switch (list.get(i)) {
                case "--swtpm" -> swtpm = true;
                case "--device" -> {
                    if (i + 1 >= list.size()) {
                        err.println("tpm4j check: --device needs a path");
                        return EXIT_USAGE;
                    }
                    device = Optional.of(Path.of(list.get(++i)));
                }
                default -> {
                    err.println("tpm4j check: unknown option " + list.get(i) + "\nusage: tpm4j check [--device PATH | --swtpm]");
                    return EXIT_USAGE;
                }
            }
        }
        if (swtpm && device.isPresent()) {
            err.println("tpm4j check: choose --device or --swtpm, not both");
            return EXIT_USAGE;
        }
        try {
            return check(device, swtpm, out);
        } catch (TpmException | IllegalStateException e) {
            err.println("tpm4j check: " + e.getMessage());
            return EXIT_FAILED;
        }
    }

    private static int check(Optional<Path> device, boolean forceSwtpm, PrintStream out) {
        Optional<Path> chosen = forceSwtpm ? Optional.empty() : device.or(TpmDevices::defaultDevice);
        if (chosen.isPresent()) {
            out.println("TPM: " + chosen.get());
            try (Tpm tpm = Tpm.on(LinuxTpmDevice.open(chosen.get()))) {
                return report(TpmCheck.run(tpm), out);
            }
        }
        out.println(forceSwtpm ? "TPM: a private swtpm (swtpm chardev on a socketpair), as asked"
                : "TPM: this machine has no /dev/tpmrm device, so a private swtpm (swtpm chardev on a socketpair) "
                + "stands in; pass --device PATH to check another device");
        try (Swtpm sw = Swtpm.startChardev()) {
            TpmTransport transport = sw.transport();
            return report(TpmCheck.run(Tpm.on(transport)), out);
        }
    }

    private static int report(TpmCheck.Report report, PrintStream out) {
        TpmIdentity id = report.identity();
        if (id != null) {
            out.println();
            out.println("Identity");
            row(out, "manufacturer", id.manufacturer());
            row(out, "vendor", id.vendor().isEmpty() ? "(none)" : id.vendor());
            row(out, "firmware", id.firmware());
            row(out, "specification", "TPM " + id.family() + ", level " + id.level() + ", revision " + id.revision()
                    + ", " + id.specDate());
        }
        out.println();
        out.println("Algorithms (" + report.algorithms().size() + ")");
        out.println("  " + wrap(String.join(" ", report.algorithms()), 96, "  "));
        out.println();
        out.println("PCR banks");
        for (String bank : report.pcrBanks()) {
            out.println("  " + bank);
        }
        out.println();
        out.println("Limits");
        for (Map.Entry<String, String> e : report.limits().entrySet()) {
            row(out, e.getKey(), e.getValue());
        }
        row(out, "commands implemented", Integer.toString(report.commandCount()));
        out.println();
        out.println("Checks");
        int passed = 0;
        for (CheckResult c : report.checks()) {
            passed += c.passed() ? 1 : 0;
            out.printf("  %-4s %-62s %10s  %s%n", c.passed() ? "ok" : "FAIL", c.name(), latency(c.latency()), c.detail());
        }
        out.println();
        int failed = report.checks().size() - passed;
        out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : EXIT_FAILED;
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf("  %-28s %s%n", name, value);
    }

    private static String latency(Duration d) {
        if (d == null) {
            return "";
        }
        double micros = d.toNanos() / 1000.0;
        return micros < 1000 ? String.format(Locale.ROOT, "%.0f us", micros)
                : String.format(Locale.ROOT, "%.1f ms", micros / 1000);
    }

    private static String wrap(String text, int width, String indent) {
        StringBuilder out = new StringBuilder();
        int column = 0;
        for (String word : text.split(" ")) {
            if (column > 0 && column + word.length() + 1 > width) {
                out.append('\n').append(indent);
                column = 0;
            } else if (column > 0) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
        }
        return out.toString();
    }
}
