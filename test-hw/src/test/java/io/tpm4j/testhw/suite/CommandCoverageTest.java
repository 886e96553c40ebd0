package io.tpm4j.testhw.suite;

import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.testing.CommandRecords;
import io.tpm4j.api.types.CommandAttributes;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.testhw.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command catalogue is whole: every command swtpm lists in TPM2_GetCapability(TPM_CAP_COMMANDS) has a typed
 * record whose handle area matches the TPM's own command attributes; every record's command belongs to exactly
 * one exercise of {@link Exercises}; and docs/commands.md has a row for each record naming that exercise.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandCoverageTest {

    private static final Pattern ROW = Pattern.compile("^\\| ([0-9.]+) \\| TPM2_(\\w+) \\| `(\\w+)` \\| ([^|]+) \\| ([^|]+) \\|$");

    private final Map<TpmCc, TpmCommand<?>> records = CommandRecords.byCode();

    @Test
    void everyCommandTheTpmListsHasARecordWithTheTpmsHandleArea() {
        List<String> problems = new ArrayList<>();
        List<CommandAttributes> listed;
        try (Target.Opened swtpm = new Target.PrivateSwtpm().open(java.util.Set.of())) {
            listed = swtpm.tpm().commands();
        }
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
    void everyRecordHasExactlyOneExercise() {
        List<String> problems = new ArrayList<>();
        Map<TpmCc, List<String>> exercises = exercisesByCommand();
        for (TpmCc cc : records.keySet()) {
            List<String> names = exercises.getOrDefault(cc, List.of());
            if (names.size() != 1) {
                problems.add(cc.specName() + " is exercised by " + names);
            }
        }
        for (TpmCc cc : exercises.keySet()) {
            if (!records.containsKey(cc)) {
                problems.add(cc.specName() + " is exercised but has no record");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void docsTableNamesEachRecordAndItsExercise() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> rows = Files.readAllLines(root.resolve("docs/commands.md")).stream()
                .filter(l -> l.startsWith("| ") && !l.startsWith("| Part 3") && !l.startsWith("|---")).toList();
        Map<TpmCc, List<String>> exercises = exercisesByCommand();
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
                continue;
            }
            String exercise = m.group(4).strip();
            List<String> catalogued = exercises.getOrDefault(record.code(), List.of());
            if (!List.of(exercise).equals(catalogued)) {
                problems.add(m.group(3) + ": the row names exercise '" + exercise + "', the catalogue " + catalogued);
            }
        }
        for (TpmCommand<?> record : records.values()) {
            if (!documented.contains(record.getClass().getSimpleName())) {
                problems.add(record.getClass().getSimpleName() + " has no row");
            }
        }
        assertEquals(List.of(), problems);
    }

    /** The names of the exercises that list each command, on a TPM that has every command. */
    private static Map<TpmCc, List<String>> exercisesByCommand() {
        Map<TpmCc, List<String>> byCommand = new HashMap<>();
        for (Exercises.Exercise exercise : Exercises.all(new Target.PrivateSwtpm(), cc -> true)) {
            for (TpmCc cc : exercise.commands()) {
                byCommand.computeIfAbsent(cc, c -> new ArrayList<>()).add(exercise.name());
            }
        }
        return byCommand;
    }
}
