package io.tpm4j.testhw;

import io.tpm4j.api.TpmException;
import io.tpm4j.ffi.TpmDevices;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ./tpm4j check}: a readable report on a TPM (identity, algorithms, PCR banks, limits, a timed series of
 * checks), then the hardware test suite against it, run through the JUnit Platform launcher with what the user
 * permitted; written as Markdown and JUnit XML too. Exit status 0 only if nothing failed.
 */
public final class Main {

    private static final int EXIT_FAILED = 1;
    private static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static final String USAGE = "usage: tpm4j check [--device PATH | --rm DEVICE | --server SOCKET | --swtpm] "
            + "[--permit LIST] [--report DIR]";

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> list = List.of(args);
        if (list.isEmpty() || !list.getFirst().equals("check")) {
            err.println(USAGE);
            return EXIT_USAGE;
        }
        List<Target> targets = new java.util.ArrayList<>();
        Set<Permission> permitted = EnumSet.noneOf(Permission.class);
        Path reportDir = Path.of("tpm4j-report");
        for (int i = 1; i < list.size(); i++) {
            String option = list.get(i);
            if (option.equals("--swtpm")) {
                targets.add(new Target.PrivateSwtpm());
                continue;
            }
            if (!List.of("--device", "--rm", "--server", "--permit", "--report").contains(option)) {
                err.println("tpm4j check: unknown option " + option + "\n" + USAGE);
                return EXIT_USAGE;
            }
            if (i + 1 >= list.size()) {
                err.println("tpm4j check: " + option + " needs a value\n" + USAGE);
                return EXIT_USAGE;
            }
            String value = list.get(++i);
            try {
                switch (option) {
                    case "--device" -> targets.add(new Target.Device(Path.of(value)));
                    case "--rm" -> targets.add(new Target.ResourceManagerOver(Path.of(value)));
                    case "--server" -> targets.add(new Target.Server(Path.of(value)));
                    case "--permit" -> permitted.addAll(Permission.parse(value));
                    default -> reportDir = Path.of(value);
                }
            } catch (IllegalArgumentException e) {
                err.println("tpm4j check: " + e.getMessage());
                return EXIT_USAGE;
            }
        }
        if (targets.size() > 1) {
            err.println("tpm4j check: choose one target (--device, --rm, --server or --swtpm), not " + targets.size()
                    + "\n" + USAGE);
            return EXIT_USAGE;
        }
        Optional<Target> target = targets.stream().findFirst()
                .or(() -> TpmDevices.defaultDevice().map(Target.Device::new));
        try {
            return check(target, permitted, reportDir, out);
        } catch (TpmException | IllegalStateException e) {
            err.println("tpm4j check: " + e.getMessage());
            return EXIT_FAILED;
        }
    }

    private static int check(Optional<Target> chosen, Set<Permission> permitted, Path reportDir, PrintStream out) {
        Target target = chosen.orElseGet(Target.PrivateSwtpm::new);
        if (chosen.isPresent() && !(target instanceof Target.PrivateSwtpm)) {
            out.println("TPM: " + target);
        } else {
            out.println(chosen.isPresent() ? "TPM: a private swtpm (swtpm chardev on a socketpair), as asked"
                    : "TPM: this machine has no /dev/tpmrm device, so a private swtpm (swtpm chardev on a socketpair) "
                    + "stands in; pass --device PATH to check another device");
        }
        try (Target.Opened opened = target.open(permitted)) {
            java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
            PrintStream overviewOut = new PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8);
            int overviewStatus = report(TpmCheck.run(opened.tpm()), overviewOut);
            String overview = buffer.toString(java.nio.charset.StandardCharsets.UTF_8);
            out.print(overview);
            out.println();
            SuiteRunner.Result result = SuiteRunner.run(opened, permitted);
            out.print(Reports.text(result, permitted));
            try {
                java.nio.file.Files.createDirectories(reportDir);
                Reports.writeMarkdown(reportDir.resolve("report.md"), target.toString(), overview, result, permitted);
                Reports.writeJUnitXml(reportDir.resolve("junit.xml"), result);
                out.println("report: " + reportDir.resolve("report.md") + ", " + reportDir.resolve("junit.xml"));
            } catch (java.io.IOException e) {
                out.println("report not written to " + reportDir + ": " + e.getMessage());
                return EXIT_FAILED;
            }
            return overviewStatus == 0 && result.count(SuiteRunner.Status.FAILED) == 0 ? 0 : EXIT_FAILED;
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
        if (!report.curves().isEmpty()) {
            out.println();
            out.println("ECC curves (" + report.curves().size() + ")");
            out.println("  " + wrap(String.join(" ", report.curves()), 96, "  "));
        }
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
        return d == null ? "" : Reports.time(d);
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
