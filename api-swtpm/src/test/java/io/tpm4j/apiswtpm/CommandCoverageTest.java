package io.tpm4j.apiswtpm;

import io.tpm4j.api.testing.CommandRecords;
import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.types.CommandAttributes;
import io.tpm4j.api.types.TpmCc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command the TPM lists in TPM2_GetCapability(TPM_CAP_COMMANDS) has a typed record whose handle area
 * matches the TPM's own command attributes, and docs/commands.md names each record and the tests that run it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandCoverageTest {

    private static final Pattern ROW = Pattern.compile("^\\| ([0-9.]+) \\| TPM2_(\\w+) \\| `(\\w+)` \\| ([^|]+) \\| ([^|]+) \\|$");

    private static StartedTpm started;

    @BeforeAll
    static void start() {
        started = StartedTpm.start();
    }

    @AfterAll
    static void stop() {
        started.close();
    }

    @Test
    void everyCommandTheTpmListsHasARecordWithTheTpmsHandleArea() {
        Map<TpmCc, TpmCommand<?>> records = CommandRecords.byCode();
        List<String> problems = new ArrayList<>();
        List<CommandAttributes> listed = started.tpm.commands();
        assertTrue(listed.size() > 100, "swtpm lists " + listed.size() + " commands");
        for (CommandAttributes attributes : listed) {
            String code = String.format("0x%08x", attributes.commandCode());
            TpmCc cc = TpmCc.of(attributes.commandCode()).orElse(null);
            TpmCommand<?> record = cc == null ? null : records.get(cc);
            if (record == null) {
                problems.add(code + (cc == null ? " (unknown to TpmCc)" : " " + cc.specName()) + " has no record");
                continue;
            }
            if (record.handles().size() != attributes.commandHandles()) {
                problems.add(cc.specName() + ": the record has " + record.handles().size()
                        + " handles, the TPM says " + attributes.commandHandles());
            }
            if (record.returnsHandle() != attributes.responseHandle()) {
                problems.add(cc.specName() + ": the record " + (record.returnsHandle() ? "expects" : "does not expect")
                        + " a response handle, the TPM says " + attributes.responseHandle());
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void docsTableListsEveryRecordWithTestsThatExist() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> rows = Files.readAllLines(root.resolve("docs/commands.md")).stream()
                .filter(l -> l.startsWith("| ") && !l.startsWith("| Part 3") && !l.startsWith("|---")).toList();
        List<String> testClasses;
        try (Stream<Path> files = Stream.of("ffi/src/test", "api-swtpm/src/test", "test-hw/src/test")
                .flatMap(dir -> {
                    try {
                        return Files.walk(root.resolve(dir));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })) {
            testClasses = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("Test.java"))
                    .map(n -> n.substring(0, n.length() - ".java".length())).toList();
        }
        Map<TpmCc, TpmCommand<?>> records = CommandRecords.byCode();
        List<String> problems = new ArrayList<>();
        List<String> documented = new ArrayList<>();
        for (String row : rows) {
            Matcher m = ROW.matcher(row);
            if (!m.matches()) {
                problems.add("not a table row: " + row);
                continue;
            }
            documented.add(m.group(3));
            TpmCommand<?> record = records.values().stream().filter(r -> r.getClass().getSimpleName().equals(m.group(3)))
                    .findFirst().orElse(null);
            if (record == null || !record.code().specName().equals("TPM2_" + m.group(2))) {
                problems.add(m.group(3) + " is not the record of TPM2_" + m.group(2));
            }
            for (String test : m.group(4).split(", ")) {
                if (!testClasses.contains(test)) {
                    problems.add(m.group(3) + ": no test class " + test);
                }
            }
        }
        for (TpmCommand<?> record : records.values()) {
            if (!documented.contains(record.getClass().getSimpleName())) {
                problems.add(record.getClass().getSimpleName() + " has no row");
            }
        }
        assertEquals(List.of(), problems);
    }
}
