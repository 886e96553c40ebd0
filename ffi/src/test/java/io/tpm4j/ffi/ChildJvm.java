package io.tpm4j.ffi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the tests in a fresh JVM (optionally as another user) and captures its output. */
final class ChildJvm {

    record Result(int exitCode, String stdout, String stderr) {
    }

    private ChildJvm() {
    }

    static Result run(List<String> prefix, List<String> jvmOptions, String classPath, Class<?> main, String... args)
            throws IOException, InterruptedException {
        return run(java.util.Map.of(), prefix, jvmOptions, classPath, main, args);
    }

    static Result run(java.util.Map<String, String> environment, List<String> prefix, List<String> jvmOptions,
                      String classPath, Class<?> main, String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(prefix);
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(main.getName());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("tpm4j-child", ".out");
        Path err = Files.createTempFile("tpm4j-child", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process p = builder.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("child JVM did not finish: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** This JVM's class path, copied where any user can read it (for a child running as nobody). */
    static String worldReadableClassPath(Path dir) throws IOException {
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = dir.resolve((i++) + "-" + source.getFileName());
            try (var walk = Files.walk(source)) {
                for (Path p : walk.toList()) {
                    Path t = target.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.createDirectories(t.getParent() == null ? dir : t.getParent());
                        Files.copy(p, t);
                    }
                }
            }
            entries.add(target.toString());
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(":", entries);
    }
}
