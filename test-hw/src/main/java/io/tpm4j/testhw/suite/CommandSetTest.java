package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.types.CommandAttributes;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command list the TPM advertises agrees with itself and with what tpm4j knows. */
@ExtendWith(LeakCheck.class)
public class CommandSetTest {

    private final Tpm tpm = SuiteContext.current().tpm();

    @Test
    @DisplayName("TPM_CAP_COMMANDS lists TPM_PT_TOTAL_COMMANDS commands")
    void countMatches() {
        List<CommandAttributes> commands = tpm.commands();
        assertEquals(tpm.allProperties().getOrDefault(TpmPt.TOTAL_COMMANDS.value(), -1), commands.size());
    }

    @Test
    @DisplayName("every advertised command is one tpm4j knows by name")
    void allKnown() {
        List<String> unknown = tpm.commands().stream().map(CommandAttributes::commandCode)
                .filter(code -> TpmCc.of(code).isEmpty()).map(code -> String.format("0x%04x", code)).toList();
        assertTrue(unknown.isEmpty(), "commands tpm4j has no name for: " + unknown);
    }
}
