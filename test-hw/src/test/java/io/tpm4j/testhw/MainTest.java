package io.tpm4j.testhw;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./tpm4j check}: the report, the exit status, and plain one-line errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void checkOnAPrivateSwtpmPassesAndReportsTheTpm() {
        assertEquals(0, run("check", "--swtpm"), out() + err());
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
        assertEquals(1, run("check", "--device", "/nonexistent/tpmrm9"));
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
        assertTrue(err().contains("usage: tpm4j check"), err());
    }
}
