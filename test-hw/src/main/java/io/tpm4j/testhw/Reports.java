package io.tpm4j.testhw;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The suite's outcome as a person reads it (text, Markdown) and as CI tools read it (JUnit XML). */
final class Reports {

    private Reports() {
    }

    /** The text section of {@code ./tpm4j check}'s report. */
    static String text(SuiteRunner.Result result, java.util.Set<Permission> permitted) {
        StringBuilder out = new StringBuilder();
        out.append("Hardware tests (permitted: ").append(permitted.isEmpty() ? "nothing beyond reading"
                : String.join(",", permitted.stream().map(Permission::option).toList())).append(")\n");
        String group = null;
        for (SuiteRunner.Outcome o : result.outcomes()) {
            if (!o.group().equals(group)) {
                group = o.group();
                out.append("  ").append(group).append('\n');
            }
            out.append(String.format(Locale.ROOT, "    %-8s %-70s %s%n", label(o.status()), o.name(), detail(o)));
        }
        if (!result.observations().isEmpty()) {
            out.append("\nObserved behaviour\n");
            for (SuiteContext.Observation o : result.observations()) {
                out.append(String.format(Locale.ROOT, "  %-52s %s%n", o.behaviour(), o.seen()));
            }
        }
        if (!result.latencies().isEmpty()) {
            out.append("\nLatency (median / p99)\n");
            for (SuiteContext.Latency l : result.latencies()) {
                out.append(String.format(Locale.ROOT, "  %-52s %10s %10s  (%d runs)%n", l.command(), time(l.median()),
                        time(l.p99()), l.samples()));
            }
        }
        out.append('\n').append(summary(result)).append('\n');
        return out.toString();
    }

    static String summary(SuiteRunner.Result result) {
        return result.count(SuiteRunner.Status.PASSED) + " passed, " + result.count(SuiteRunner.Status.FAILED) + " failed, "
                + result.count(SuiteRunner.Status.NOT_PERMITTED) + " not permitted, "
                + result.count(SuiteRunner.Status.SKIPPED) + " skipped";
    }

    /** report.md: the overview the check printed, then every test with its reason, then the latency table. */
    static void writeMarkdown(Path file, String target, String overview, SuiteRunner.Result result,
                              java.util.Set<Permission> permitted) throws IOException {
        StringBuilder md = new StringBuilder("# tpm4j hardware report\n\n");
        md.append("- target: ").append(target).append('\n');
        md.append("- date: ").append(Instant.now()).append('\n');
        md.append("- kernel: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append('\n');
        md.append("- permitted: ").append(permitted.isEmpty() ? "nothing beyond reading"
                : String.join(", ", permitted.stream().map(Permission::option).toList())).append('\n');
        md.append("- result: ").append(summary(result)).append("\n\n## The TPM\n\n```\n").append(overview).append("```\n\n");
        md.append("## Tests\n\n| group | test | result | detail |\n|---|---|---|---|\n");
        for (SuiteRunner.Outcome o : result.outcomes()) {
            md.append("| ").append(o.group()).append(" | ").append(cell(o.name())).append(" | ").append(label(o.status()))
                    .append(" | ").append(cell(detail(o))).append(" |\n");
        }
        if (!result.observations().isEmpty()) {
            md.append("\n## Observed behaviour\n\n| behaviour | seen |\n|---|---|\n");
            for (SuiteContext.Observation o : result.observations()) {
                md.append("| ").append(cell(o.behaviour())).append(" | ").append(cell(o.seen())).append(" |\n");
            }
        }
        if (!result.latencies().isEmpty()) {
            md.append("\n## Latency\n\n| command | median | p99 | runs |\n|---|---:|---:|---:|\n");
            for (SuiteContext.Latency l : result.latencies()) {
                md.append("| ").append(l.command()).append(" | ").append(time(l.median())).append(" | ")
                        .append(time(l.p99())).append(" | ").append(l.samples()).append(" |\n");
            }
        }
        Files.writeString(file, md, StandardCharsets.UTF_8);
    }

    /** junit.xml in the common Ant/Surefire format: one testsuite per test class. */
    static void writeJUnitXml(Path file, SuiteRunner.Result result) throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tpm4j hardware\">\n");
        List<String> groups = result.outcomes().stream().map(SuiteRunner.Outcome::group).distinct().toList();
        for (String group : groups) {
            List<SuiteRunner.Outcome> in = result.outcomes().stream().filter(o -> o.group().equals(group)).toList();
            long failures = in.stream().filter(o -> o.status() == SuiteRunner.Status.FAILED).count();
            long skipped = in.stream().filter(o -> o.status() == SuiteRunner.Status.NOT_PERMITTED
                    || o.status() == SuiteRunner.Status.SKIPPED).count();
            xml.append(String.format(Locale.ROOT, "  <testsuite name=\"io.tpm4j.testhw.suite.%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\">%n",
                    escape(group), in.size(), failures, skipped));
            for (SuiteRunner.Outcome o : in) {
                xml.append(String.format(Locale.ROOT, "    <testcase classname=\"io.tpm4j.testhw.suite.%s\" name=\"%s\" time=\"%.3f\"",
                        escape(group), escape(o.name()), o.duration().toNanos() / 1e9));
                switch (o.status()) {
                    case PASSED -> xml.append("/>\n");
                    case FAILED -> xml.append(">\n      <failure message=\"").append(escape(o.reason())).append("\"/>\n    </testcase>\n");
                    default -> xml.append(">\n      <skipped message=\"").append(escape(o.reason())).append("\"/>\n    </testcase>\n");
                }
            }
            xml.append("  </testsuite>\n");
        }
        xml.append("</testsuites>\n");
        Files.writeString(file, xml, StandardCharsets.UTF_8);
    }

    private static String label(SuiteRunner.Status status) {
        return switch (status) {
            case PASSED -> "ok";
            case FAILED -> "FAIL";
            case NOT_PERMITTED -> "not run";
            case SKIPPED -> "skipped";
        };
    }

    private static String detail(SuiteRunner.Outcome o) {
        return switch (o.status()) {
            case PASSED -> time(o.duration());
            default -> o.reason() == null ? "" : o.reason();
        };
    }

    static String time(Duration d) {
        double micros = d.toNanos() / 1000.0;
        return micros < 1000 ? String.format(Locale.ROOT, "%.0f us", micros) : String.format(Locale.ROOT, "%.1f ms", micros / 1000);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("\n", "&#10;");
    }
}
