package io.tpm4j.rm.hostile;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.rm.server.Main;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./tpm4j serve} as a process of its own (this JVM's class path), serving raw TPM commands on
 * {@code dir/raw.sock}: what a hostile local client meets. Closing it sends SIGTERM and waits for it to stop.
 */
record ServeProcess(Process process, Path dir, Path rawSocket, String readyLine) implements AutoCloseable {

    /** Starts the server with {@code backend} (e.g. {@code --swtpm}) and waits for its ready line. */
    static ServeProcess start(Path dir, String... backend) throws Exception {
        Path raw = dir.resolve("raw.sock");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(backend));
        command.addAll(List.of("--raw", "unix:" + raw));
        Process process = new ProcessBuilder(command).redirectError(dir.resolve("server.log").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String ready;
        try {
            ready = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
        ServeProcess server = new ServeProcess(process, dir, raw, ready);
        if (ready == null || !ready.startsWith("tpm4j serve: ready: ")) {
            server.close();
            throw new AssertionError("the server did not start: " + ready + "\n" + server.log());
        }
        return server;
    }

    /** A new client of the raw socket. */
    Tpm client() {
        return Tpm.on(SocketTransport.connectUnix(rawSocket, CommandTimeouts.fixed(Duration.ofSeconds(30))));
    }

    String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        boolean stopped = process.waitFor(30, TimeUnit.SECONDS);
        process.destroyForcibly();
        assertTrue(stopped, "the server did not stop on SIGTERM\n" + log());
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (IOException e) {
            return null;
        }
    }
}
