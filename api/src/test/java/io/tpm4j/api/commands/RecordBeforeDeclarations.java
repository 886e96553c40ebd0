package io.tpm4j.api.commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes {@link CommandFrames#table()} of the hand-written records to the file given as the argument (run once). */
final class RecordBeforeDeclarations {

    public static void main(String[] args) throws IOException {
        Files.write(Path.of(args[0]), CommandFrames.table());
    }
}
