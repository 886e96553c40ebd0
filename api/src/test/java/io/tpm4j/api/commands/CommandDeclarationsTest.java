package io.tpm4j.api.commands;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** What each command record sends and how it declares it. */
class CommandDeclarationsTest {

    /**
     * Every record, at its placeholder and at the samples, still reports the flag it had when it was
     * hand-written and writes the same parameter bytes.
     */
    @Test
    void everyRecordSendsWhatItSentBeforeItsParametersWereDeclared() throws IOException {
        List<String> before;
        try (InputStream in = getClass().getResourceAsStream(CommandFrames.BEFORE_DECLARATIONS)) {
            assertNotNull(in, CommandFrames.BEFORE_DECLARATIONS);
            before = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#"))
                    .toList();
        }
        assertEquals(String.join("\n", before), String.join("\n", CommandFrames.table()));
    }
}
