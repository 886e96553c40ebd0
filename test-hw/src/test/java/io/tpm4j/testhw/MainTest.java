package io.tpm4j.testhw;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.TpmChip;
import io.tpm4j.rm.server.Endpoint;
import io.tpm4j.rm.server.RmServer;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./tpm4j check}: the report, the exit status, and plain one-line errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path reports;

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** {@code check} with the report written to a temporary directory. */
    private int check(String... args) {
        List<String> all = new ArrayList<>(List.of("check"));
        all.addAll(List.of(args));
        all.addAll(List.of("--report", reports.toString()));
        return run(all.toArray(String[]::new));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** The result lines of one test class in the text report: label, test name, detail. */
    private static List<String> linesOf(String report, String group) {
        List<String> lines = report.lines().toList();
        int start = lines.indexOf("  " + group);
        assertTrue(start >= 0, "no " + group + " in " + report);
        return lines.subList(start + 1, lines.size()).stream().takeWhile(l -> l.startsWith("    "))
                .map(String::strip).toList();
    }

    @Test
    void checkOnAPrivateSwtpmPassesAndReportsTheTpm() {
        assertEquals(0, check("--swtpm"), out() + err());
        String report = out();
        assertTrue(report.contains("private swtpm"), report);
        assertTrue(report.contains("manufacturer") && report.contains("IBM"), report);
        assertTrue(report.contains("revision 1."), report);
        assertTrue(report.contains("sha256:0-23"), report);
        assertTrue(report.contains("TPM_PT_MAX_COMMAND_SIZE"), report);
        assertTrue(report.contains("TPM2_GetRandom(32)"), report);
        assertTrue(report.matches("(?s).*\\n\\d+ passed, 0 failed\\n.*"), report);
        assertFalse(report.lines().anyMatch(l -> l.startsWith("  FAIL ")), report);
        assertEquals("", err());
    }

    @Test
    void missingDeviceIsOneLineAndExitOne() {
        assertEquals(1, check("--device", "/nonexistent/tpmrm9"));
        String message = err().strip();
        assertTrue(message.startsWith("tpm4j check: /nonexistent/tpmrm9: open failed with ENOENT"), message);
        assertEquals(1, message.lines().count(), "no stack trace: " + message);
    }

    @Test
    void badUsageIsExitTwo() {
        assertEquals(2, run());
        assertEquals(2, run("check", "--device"));
        assertEquals(2, run("check", "--bogus"));
        assertEquals(2, run("check", "--swtpm", "--device", "/dev/tpmrm0"));
        assertEquals(2, run("check", "--swtpm", "--permit", "nv,everything"));
        assertTrue(err().contains("usage: tpm4j check"), err());
        assertTrue(err().contains("unknown permission 'everything'; known: all, owner,"), err());
    }

    @Test
    void byDefaultNothingThatChangesTheTpmRunsAndEachSkipSaysWhy() throws Exception {
        assertEquals(0, check("--swtpm"), out() + err());
        String report = out();
        assertTrue(report.contains("Hardware tests (permitted: nothing beyond reading)"), report);
        assertTrue(report.lines().anyMatch(l -> l.contains("not run") && l.contains("PCR 16")
                && l.contains("run with --permit pcr")), report);
        assertTrue(report.lines().anyMatch(l -> l.contains("ok") && l.contains("every allocated PCR")), report);
        assertTrue(report.contains("TPM2_GetRandom(32)") && report.contains("Latency (median / p99)"), report);
        assertTrue(report.matches("(?s).*\\d+ passed, 0 failed, [1-9]\\d* not permitted, \\d+ skipped.*"), report);
        // Every advertised command has its line: read-only exercises pass, the others wait for their permission.
        List<String> commands = linesOf(report, "EveryCommandTest");
        assertTrue(commands.size() > 100, commands.toString());
        assertTrue(commands.stream().allMatch(l -> l.startsWith("ok ") || l.startsWith("not run ")
                && l.contains("needs permission ") && l.contains("run with --permit ")), commands.toString());
        for (String readOnly : List.of("TPM2_Startup", "TPM2_GetRandom", "TPM2_Sign", "TPM2_PolicySigned", "TPM2_Import")) {
            assertTrue(commands.stream().anyMatch(l -> l.matches("ok +" + readOnly + " .*")), readOnly + ": " + commands);
        }
        for (String changing : List.of("TPM2_NV_DefineSpace", "TPM2_EvictControl", "TPM2_PCR_Extend", "TPM2_Clear",
                "TPM2_HierarchyChangeAuth", "TPM2_DictionaryAttackParameters", "TPM2_Shutdown")) {
            assertTrue(commands.stream().anyMatch(l -> l.matches("not run +" + changing + " .*")), changing + ": " + commands);
        }
    }

    @Test
    void permitAllRunsEveryTestWritesTheReportsAndLeavesTheTpmAsItWas() throws Exception {
        assertEquals(0, check("--swtpm", "--permit", "all"), out() + err());
        String report = out();
        assertTrue(report.matches("(?s).*\\d+ passed, 0 failed, 0 not permitted, \\d+ skipped.*"), report);
        List<String> commands = linesOf(report, "EveryCommandTest");
        assertTrue(commands.size() > 100 && commands.stream().allMatch(l -> l.startsWith("ok ")),
                "every advertised command passes: " + commands);
        // On a private swtpm only what needs a kernel device, a resource manager or /dev/vtpmx is skipped.
        assertTrue(report.lines().filter(l -> l.strip().startsWith("skipped"))
                .allMatch(l -> l.contains("applies to") || l.contains("needs /dev/vtpmx")), report);
        String markdown = Files.readString(reports.resolve("report.md"));
        assertTrue(markdown.contains("| NvTest | an ordinary NV index") && markdown.contains("## Latency"), markdown);
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(reports.resolve("junit.xml").toFile());
        NodeList suites = xml.getElementsByTagName("testsuite");
        assertTrue(suites.getLength() >= 8, "one testsuite per test class");
        for (int i = 0; i < suites.getLength(); i++) {
            Element suite = (Element) suites.item(i);
            assertEquals("0", suite.getAttribute("failures"), suite.getAttribute("name"));
        }
    }

    @Test
    void theSuiteRunsThroughTpm4jsServerAndSeesOnlyItsOwnSpace() throws Exception {
        Path socket = reports.resolve("raw.sock");
        try (Swtpm swtpm = Swtpm.startChardev(); TpmChip chip = TpmChip.over(swtpm.transport(), "swtpm");
             ResourceManager rm = ResourceManager.over(chip);
             RmServer server = RmServer.start(rm, List.of(Endpoint.raw("unix:" + socket)), RmServer.Options.defaults())) {
            assertEquals(0, check("--server", socket.toString(), "--permit", "owner"), out() + err());
            assertTrue(out().startsWith("TPM: tpm4j's server at unix:" + socket), out());
            assertTrue(out().lines().anyMatch(l -> l.contains("ok") && l.contains("Java verifies the signature")), out());
            assertTrue(out().lines().anyMatch(l -> l.contains("ok") && l.contains("another client's sessions in GetCapability")),
                    out());
            assertTrue(out().contains("Observed behaviour") && out().matches("(?s).*GetCapability.*hidden.*"), out());
            assertTrue(rm.counters().clientCommands() > 50, rm.counters().toString());
        }
    }
}
