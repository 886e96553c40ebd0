package io.tpm4j.api;

import io.tpm4j.api.wire.TraceDump;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TRACE log of real commands on swtpm, secrets sent in clear: the facade's logger level is fixed when the
 * logger is first made, so {@link TraceLogScenario} runs in a child JVM with it at TRACE, and its log is read
 * here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TraceRedactionTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String PASSWORD = HEX.formatHex("index password 7f3a".getBytes(StandardCharsets.US_ASCII));
    private static final String NV_DATA = HEX.formatHex("nv secret data, 32 bytes long!!!".getBytes(StandardCharsets.US_ASCII));
    private static final String OBJECT_AUTH = HEX.formatHex("object auth 91c4e".getBytes(StandardCharsets.US_ASCII));
    private static final String SEALED = HEX.formatHex("sealed secret 5be0d2".getBytes(StandardCharsets.US_ASCII));

    private record Run(int exitCode, String stdout, String log) {
    }

    private static Run scenario(String... extraJvmOptions) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tpm4j-trace", ".out");
        Path err = Files.createTempFile("tpm4j-trace", ".err");
        try {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.io.tpm4j.api.Tpm=trace"));
            command.addAll(List.of(extraJvmOptions));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), TraceLogScenario.class.getName(),
                    PASSWORD, NV_DATA, OBJECT_AUTH, SEALED));
            Process child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!child.waitFor(90, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new AssertionError("the scenario did not finish; its log: " + Files.readString(err));
            }
            return new Run(child.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void passwordsAuthValuesNvDataSensitiveDataAndUnsealedDataStayOutOfTheTrace() throws Exception {
        Run run = scenario();
        assertEquals(0, run.exitCode(), run.log());
        String log = run.log();
        for (String secret : List.of(PASSWORD, NV_DATA, OBJECT_AUTH, SEALED)) {
            assertFalse(log.contains(secret), "secret " + secret + " in the trace:\n" + log);
        }
        // What the trace is for stays: command names and codes, handles, redaction marks with lengths.
        assertTrue(log.contains("TPM2_NV_Write -> 80020000"), log);
        assertTrue(log.contains("00000137 01500031 01500031 "), "NV_Write's code and handles:\n" + log);
        assertTrue(log.contains("<password: " + PASSWORD.length() / 2 + " bytes>"), log);
        assertTrue(log.contains("<sized parameter: " + NV_DATA.length() / 2 + " bytes>"), log);
        assertTrue(log.contains("TPM2_Unseal <- 80020000"), log);
        assertTrue(log.contains("<hmac: 32 bytes>"), "the HMAC session's command and response HMACs:\n" + log);
        Matcher handles = Pattern.compile("handles nv=(\\p{XDigit}{8}) srk=(\\p{XDigit}{8}) object=(\\p{XDigit}{8}) "
                + "session=(\\p{XDigit}{8})").matcher(run.stdout());
        assertTrue(handles.find(), run.stdout());
        assertTrue(log.contains("0000015e " + handles.group(3) + " "), "Unseal's code and object handle:\n" + log);
        assertTrue(log.contains(" " + handles.group(4) + " "), "the HMAC session's handle:\n" + log);
        assertTrue(log.contains("0000015e") && log.contains("00000153 " + handles.group(2)),
                "Create's code and parent handle:\n" + log);
    }

    @Test
    void theOptInDumpsWholeFramesAndWarnsOnce() throws Exception {
        Run run = scenario("-D" + TraceDump.SHOW_SECRETS + "=true");
        assertEquals(0, run.exitCode(), run.log());
        assertTrue(run.log().contains(PASSWORD) && run.log().contains(SEALED), run.log());
        assertEquals(1, run.log().split(TraceDump.SHOW_SECRETS + "=true", -1).length - 1,
                "one warning:\n" + run.log());
    }
}
