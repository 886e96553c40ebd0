package io.tpm4j.ffi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds swtpm processes this JVM started through tpm4j's launcher (their state directory names them), for leak checks. */
final class SwtpmProcesses {

    private SwtpmProcesses() {
    }

    static List<String> running() {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                    String stat = Files.readString(proc.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    boolean zombie = fields[0].equals("Z");
                    boolean ours = Long.parseLong(fields[1]) == ProcessHandle.current().pid();
                    if (ours && cmdline.contains("swtpm") && cmdline.contains("tpm4j-swtpm-") && !zombie) {
                        found.add(proc.getFileName() + ": " + cmdline.strip());
                    }
                } catch (IOException e) {
                    // the process exited while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }
}
