package io.tpm4j.ffi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The swtpm processes this JVM started through tpm4j's launcher (their state directory names them): found for
 * leak checks, and signalled to stop, continue or die under a test. Shared with the api-swtpm tests.
 */
public final class SwtpmProcesses {

    private SwtpmProcesses() {
    }

    public static List<String> running() {
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

    /** Sends signal {@code name} (STOP, CONT, KILL...) to process {@code pid}, and fails if kill(1) does. */
    public static void signal(String name, int pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + name, Integer.toString(pid)).inheritIO().start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + pid + " failed");
        }
    }
}
