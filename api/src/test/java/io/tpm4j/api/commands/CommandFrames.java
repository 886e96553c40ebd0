package io.tpm4j.api.commands;

import io.tpm4j.api.testing.CommandRecords;
import io.tpm4j.api.wire.TpmWriter;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One line per command instance: the command, whether its first parameter is sized, and its parameter bytes.
 * The lines of the placeholder instance of every record, then of {@link SampleCommands}, make the table the
 * records were checked against when their parameters became declarations.
 */
final class CommandFrames {

    /** The table recorded from the hand-written records, before parameters were declared. */
    static final String BEFORE_DECLARATIONS = "before-declarations.txt";

    private CommandFrames() {
    }

    static List<String> table() {
        List<String> lines = new ArrayList<>();
        CommandRecords.byCode().values().forEach(command -> lines.add(line("placeholder", command)));
        List<TpmCommand<?>> samples = SampleCommands.all();
        for (int i = 0; i < samples.size(); i++) {
            lines.add(line("sample-" + i, samples.get(i)));
        }
        return lines;
    }

    static String line(String instance, TpmCommand<?> command) {
        TpmWriter parameters = new TpmWriter();
        command.writeParameters(parameters);
        return instance + " " + command.code().specName() + " firstCommandParameterSized="
                + command.firstCommandParameterSized() + " parameters=" + HexFormat.of().formatHex(parameters.toByteArray());
    }
}
