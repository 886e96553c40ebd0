package io.tpm4j.rm.load;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.server.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Load through {@code ./tpm4j serve} (its Main in a JVM of its own, over a swtpm this test starts): many
 * concurrent connections on the raw Unix socket, spread over several client processes ({@link LoadClient}), each
 * connection running a seeded random mix ({@link LoadMix}) with abrupt disconnects, while client processes are
 * SIGKILLed and replaced. Every command is bounded by a timeout and the run by a deadline. Afterwards: every command
 * of a client that lived was answered, the TPM holds nothing of the clients' (read raw, through {@link TpmTap},
 * while the server still runs and again after it stops), and the server's resident set stayed flat.
 *
 * <p>CI size by default (200 connections, 60 s). Full size:
 * {@code mvn -pl rm -am test -Dtest=ServerLoadTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtpm4j.load.connections=1000 -Dtpm4j.load.seconds=300}. Figures go to {@code rm/target/load/}.
 */
class ServerLoadTest {

    private static final int CONNECTIONS = Integer.getInteger("tpm4j.load.connections", 200);
    private static final int SECONDS = Integer.getInteger("tpm4j.load.seconds", 60);
    private static final int PROCESSES = Integer.getInteger("tpm4j.load.processes", Math.max(4, CONNECTIONS / 125));
    private static final int TIMEOUT_SECONDS = Integer.getInteger("tpm4j.load.timeout", CONNECTIONS >= 500 ? 120 : 60);
    private static final long SEED = Long.getLong("tpm4j.load.seed", 16);
    /**
     * The server's JVM gets ./tpm4j serve's options and these. Left alone, G1 takes 1/64 of the machine's memory as
     * its initial heap and touches it region by region as the young generation grows: on a 24 GB machine the
     * resident set climbs from about 110 to over 300 MiB in two and a half minutes while the heap after each GC
     * stays at 5 MiB. A heap of fixed size, touched at start, leaves in the RSS what the server itself does to its
     * memory (threads, native buffers, code); the live heap is read after a full GC at a quarter of the run and at its
     * end ({@code jcmd}).
     */
    private static final List<String> SERVER_HEAP = List.of(System.getProperty("tpm4j.load.serverHeap",
            "-Xms128m -Xmx128m -XX:+AlwaysPreTouch").split(" ")).stream().filter(o -> !o.isBlank()).toList();
    /** The resident set may differ by this much between the first and the last quarter of the run. */
    private static final double RSS_TOLERANCE = 0.10;

    @TempDir
    Path dir;

    private final List<Client> clients = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(SEED);
    private int generation;

    /** One client process; {@code killed} once the test has SIGKILLed it. */
    private static final class Client {
        final Process process;
        final Path stats;
        final int connections;
        volatile boolean killed;

        Client(Process process, Path stats, int connections) {
            this.process = process;
            this.stats = stats;
            this.connections = connections;
        }
    }

    @Test
    void manyConnectionsWithKilledClientsLeaveNothingAndTheServerStaysFlat() {
        // Every wait below is bounded; this bounds the whole, the TPM reads through the tap included.
        assertTimeoutPreemptively(Duration.ofSeconds(SECONDS + 2L * TIMEOUT_SECONDS + 300), this::run);
    }

    private void run() throws Exception {
        Path out = Files.createDirectories(Path.of("target", "load"));
        Path serverLog = out.resolve("server-" + CONNECTIONS + ".log");
        try (Swtpm swtpm = Swtpm.startSocketServer();
             TpmTap tap = TpmTap.open(dir.resolve("tap.sock"), swtpm.socketPath().orElseThrow())) {
            Path swtpmSocket = swtpm.socketPath().orElseThrow();
            Path raw = dir.resolve("raw.sock");
            Path health = dir.resolve("health.sock");
            List<String> serverJvm = new ArrayList<>(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                    "-Dorg.slf4j.simpleLogger.logFile=System.err", "-Dorg.slf4j.simpleLogger.showDateTime=true"));
            serverJvm.addAll(SERVER_HEAP);
            Process server = java(serverLog, serverJvm,
                    Main.class.getName(), "--swtpm-socket", dir.resolve("tap.sock").toString(), "--raw", "unix:" + raw,
                    "--health", "unix:" + health, "--max-connections", Integer.toString(CONNECTIONS + 2 * perProcess() + 64),
                    // Every client process runs as this uid: one peer, so its bound is the total.
                    "--max-connections-per-peer", Integer.toString(CONNECTIONS + 2 * perProcess() + 64));
            Figures figures = new Figures();
            ServerWatch watch = null;
            try {
                awaitReady(server, serverLog);
                long start = System.currentTimeMillis();
                long deadline = start + TimeUnit.SECONDS.toMillis(SECONDS);
                watch = new ServerWatch(server.pid(), health, List.of(start + (deadline - start) / 4, deadline - 1000));
                for (int p = 0; p < PROCESSES; p++) {
                    clients.add(startClient(raw, p == 0 ? CONNECTIONS - perProcess() * (PROCESSES - 1) : perProcess(),
                            deadline));
                }
                killAndReplace(raw, start, deadline);
                awaitClients(deadline + TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS + 60L));
                long end = System.currentTimeMillis();
                figures.duration = Duration.ofMillis(end - start);
                watch.finish();
                awaitNoConnections(watch);
                figures.health = ServerWatch.health(health);
                figures.fromSamples(watch.samples(), start, deadline);
                figures.missedSamples = watch.failedSamples();
                figures.liveHeap = watch.liveHeap();
                figures.whileRunning = handles(Tpm.on(tap.transport()));
            } finally {
                if (watch != null) {
                    watch.close();
                }
                clients.forEach(c -> c.process.destroyForcibly());
                server.destroy();   // SIGTERM: the server flushes what it still holds and exits
                if (!server.waitFor(60, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                    throw new AssertionError("the server did not stop within 60 s of SIGTERM; log " + serverLog);
                }
                tap.close();   // swtpm takes one connection at a time: the direct one below comes next
            }
            try (Tpm direct = Tpm.on(SocketTransport.connectUnix(swtpmSocket, CommandTimeouts.fixed(Duration.ofSeconds(10))))) {
                figures.afterStop = handles(direct);
            }
            figures.fromClients(clients);
            figures.write(out.resolve("figures-" + CONNECTIONS + ".txt"));
            figures.check();
        }
    }

    /**
     * Connections per client process. A killed process's connections stay open on the server until the command
     * each has queued at the TPM is done, while its replacement connects: the server's limit leaves room for two
     * processes' worth beyond {@link #CONNECTIONS}.
     */
    private static int perProcess() {
        return CONNECTIONS / PROCESSES;
    }

    private Client startClient(Path raw, int connections, long deadline) throws IOException {
        int index = generation++;
        Path stats = dir.resolve("client-" + index + ".stats");
        Process p = java(dir.resolve("client-" + index + ".log"), List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Xmx256m"), LoadClient.class.getName(), raw.toString(), Integer.toString(connections),
                Long.toString(random.nextLong()), Long.toString(deadline), Integer.toString(TIMEOUT_SECONDS), stats.toString());
        return new Client(p, stats, connections);
    }

    /**
     * From a tenth of the run to four fifths of it, SIGKILLs a random client process about every tenth of the run
     * (at least every 20 s) and starts another with as many connections in its place.
     */
    private void killAndReplace(Path raw, long start, long deadline) throws Exception {
        long length = deadline - start;
        long every = Math.min(TimeUnit.SECONDS.toMillis(20), length / 10);
        long next = start + length / 10;
        while (next < start + length * 4 / 5) {
            Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
            List<Client> live = clients.stream().filter(c -> !c.killed && c.process.isAlive()).toList();
            if (!live.isEmpty()) {
                Client victim = live.get(random.nextInt(live.size()));
                victim.killed = true;
                victim.process.destroyForcibly();
                clients.add(startClient(raw, victim.connections, deadline));
            }
            next += every;
        }
        Thread.sleep(Math.max(0, deadline - System.currentTimeMillis()));
    }

    /** Every client process ends by itself after the deadline (its commands have timeouts), or the test fails. */
    private void awaitClients(long hardDeadline) throws InterruptedException {
        for (Client c : clients) {
            long left = hardDeadline - System.currentTimeMillis();
            if (!c.process.waitFor(Math.max(1, left), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("a client process was still running " + (TIMEOUT_SECONDS + 60)
                        + " s after the deadline: some command was neither answered nor timed out; see " + c.stats);
            }
            if (!c.killed) {
                assertEquals(0, c.process.exitValue(), "client process exit status; see " + c.stats);
            }
        }
    }

    private static void awaitNoConnections(ServerWatch watch) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int open;
        while ((open = watch.connections()) != 0) {
            if (System.nanoTime() > until) {
                throw new AssertionError(open + " connections still open 30 s after every client process ended");
            }
            Thread.sleep(100);
        }
    }

    /** Transient objects, loaded sessions and saved sessions in the TPM. */
    private static List<List<Integer>> handles(Tpm tpm) {
        return List.of(tpm.handles(TpmHt.TRANSIENT), tpm.loadedSessions(), tpm.savedSessions());
    }

    private Process java(Path log, List<String> jvmOptions, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(log.toFile()).redirectOutput(
                mainClass.equals(Main.class.getName()) ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void awaitReady(Process server, Path log) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String ready = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        assertTrue(ready != null && ready.startsWith("tpm4j serve: ready: "), ready + "\n" + Files.readString(log));
    }

    /** What the run measured, and the checks on it. */
    private static final class Figures {
        Duration duration;
        String health;
        long peakConnections;
        long medianConnections;
        long rssFirstQuarterKib;
        long rssLastQuarterKib;
        int rssSamples;
        int missedSamples;
        List<Long> liveHeap;
        List<List<Integer>> whileRunning;
        List<List<Integer>> afterStop;
        final LoadStats lived = new LoadStats();
        final LoadStats killed = new LoadStats();
        int processes;
        int killedProcesses;
        int unfinishedProcesses;

        void fromSamples(List<ServerWatch.Sample> samples, long start, long deadline) {
            List<Long> connections = samples.stream().filter(s -> s.atMillis() >= start && s.atMillis() <= deadline)
                    .map(s -> (long) s.connections()).sorted().toList();
            peakConnections = connections.isEmpty() ? 0 : connections.getLast();
            medianConnections = connections.isEmpty() ? 0 : connections.get(connections.size() / 2);
            long quarter = (deadline - start) / 4;
            rssFirstQuarterKib = meanRss(samples, start, start + quarter);
            rssLastQuarterKib = meanRss(samples, deadline - quarter, deadline);
            rssSamples = (int) samples.stream().filter(s -> s.atMillis() >= start && s.atMillis() <= deadline).count();
        }

        private static long meanRss(List<ServerWatch.Sample> samples, long from, long to) {
            return (long) samples.stream().filter(s -> s.atMillis() >= from && s.atMillis() < to)
                    .mapToLong(ServerWatch.Sample::rssKib).average().orElse(0);
        }

        void fromClients(List<Client> clients) throws IOException {
            processes = clients.size();
            for (Client c : clients) {
                LoadStats s = LoadStats.read(c.stats);
                if (c.killed) {
                    killedProcesses++;
                    killed.merge(s);
                } else {
                    lived.merge(s);
                    unfinishedProcesses += s.get("done") == 1 ? 0 : 1;
                }
            }
        }

        double rssChange() {
            return rssFirstQuarterKib == 0 ? Double.NaN : (double) (rssLastQuarterKib - rssFirstQuarterKib) / rssFirstQuarterKib;
        }

        String summary() {
            LoadStats all = new LoadStats();
            all.merge(lived);
            all.merge(killed);
            return String.format("load: %d connections (held: peak %d, median %d) from %d client processes (%d SIGKILLed "
                            + "and replaced), %d s; %d commands sent, %d answered (%d TPM/RM errors), unanswered %d in "
                            + "clients that lived, %d in flight when their client was killed; latency p50 %.1f ms, p99 %.1f ms; "
                            + "server RSS %d MiB first quarter, %d MiB last quarter (%+.1f %%); TPM after the clients: %s, after "
                            + "the server stopped: %s (transient, loaded sessions, saved sessions)",
                    CONNECTIONS, peakConnections, medianConnections, processes, killedProcesses, duration.toSeconds(),
                    all.get("sent"), all.get("answered"), all.get("errors"), lived.get("unanswered"),
                    killed.get("sent") - killed.get("answered") - killed.get("unanswered"),
                    all.percentileMicros("all", 0.5) / 1000.0, all.percentileMicros("all", 0.99) / 1000.0,
                    rssFirstQuarterKib / 1024, rssLastQuarterKib / 1024, 100 * rssChange(), counts(whileRunning),
                    counts(afterStop));
        }

        private static String counts(List<List<Integer>> handles) {
            return handles == null ? "not read" : handles.stream().map(l -> Integer.toString(l.size())).toList().toString();
        }

        void write(Path file) throws IOException {
            LoadStats all = new LoadStats();
            all.merge(lived);
            all.merge(killed);
            StringBuilder text = new StringBuilder(summary()).append("\n\ncommit ").append(commit())
                    .append("\nseed ").append(SEED).append(", command timeout ").append(TIMEOUT_SECONDS).append(" s")
                    .append("\nserver health at the end (its connections count health queries, this one included): ").append(health)
                    .append("\nRSS samples in the run: ").append(rssSamples).append(" (missed: ").append(missedSamples).append(')')
                    .append("\nserver JVM heap options: ").append(String.join(" ", SERVER_HEAP))
                    .append("\nserver heap after a full GC (KiB) at a quarter of the run and at its end: ").append(liveHeap)
                    .append("\n\nper command: count, p50 ms, p99 ms\n");
            for (String command : all.timedCommands()) {
                text.append(String.format("  %-18s %8d %9.1f %9.1f%n", command, all.count(command),
                        all.percentileMicros(command, 0.5) / 1000.0, all.percentileMicros(command, 0.99) / 1000.0));
            }
            text.append("\ncounters of the clients that lived:\n");
            lived.withPrefix("").forEach((k, v) -> text.append("  ").append(k).append(' ').append(v).append('\n'));
            text.append("\ncounters of the killed clients (up to their last write, at most a second before):\n");
            killed.withPrefix("").forEach((k, v) -> text.append("  ").append(k).append(' ').append(v).append('\n'));
            text.append("\nTPM handles after the clients (server running): ").append(whileRunning)
                    .append("\nTPM handles after the server stopped: ").append(afterStop).append('\n');
            Files.writeString(file, text);
            System.out.println(summary());
            System.out.println("figures: " + file.toAbsolutePath());
        }

        void check() {
            Map<String, Long> faults = new TreeMap<>(lived.withPrefix("client-fault."));
            faults.putAll(killed.withPrefix("client-fault."));
            assertEquals(Map.of(), faults, "faults in the clients (HMAC failures, malformed responses, bugs)");
            assertEquals(0, unfinishedProcesses, "client processes that lived but did not finish");
            assertEquals(Map.of(), lived.withPrefix("unanswered."), "commands of live clients without an answer");
            assertEquals(lived.get("sent"), lived.get("answered"), "every command of a live client answered");
            // A client names only what it holds: the RM refusing one of its own handles (its saved session
            // flushed for another space's sake, say) is a defect, not load.
            assertEquals(Map.of(), rmHandleRefusals(lived), "the RM refused a handle a live client held");
            assertTrue(peakConnections >= CONNECTIONS * 95L / 100, "connections held at once: " + peakConnections
                    + " of " + CONNECTIONS);
            for (String step : List.of("random", "session", "key", "saved-session", "saved-key")) {
                assertTrue(lived.get("step." + step) > 0, "no " + step + " step succeeded: " + summary());
            }
            assertTrue(lived.get("end.abrupt-holding") > 0 && killedProcesses > 0, "nothing was left to clean up");
            assertEquals(List.of(), whileRunning.get(0), "transient objects left while the server runs");
            assertEquals(List.of(), whileRunning.get(1), "loaded sessions left while the server runs");
            int abandoned = ResourceManager.Options.defaults().maxAbandonedSessions();
            assertTrue(whileRunning.get(2).size() <= abandoned, "saved sessions beyond the server's bound on abandoned "
                    + "ones (" + abandoned + "): " + whileRunning.get(2));
            assertEquals(List.of(List.of(), List.of(), List.of()), afterStop,
                    "transient objects, loaded and saved sessions left after the server stopped");
            assertTrue(rssSamples >= 8, "too few RSS samples: " + rssSamples);
            assertTrue(Math.abs(rssChange()) <= RSS_TOLERANCE, String.format("server RSS not flat: %d MiB in the first "
                    + "quarter, %d MiB in the last", rssFirstQuarterKib / 1024, rssLastQuarterKib / 1024));
        }

        private static String commit() {
            try {
                Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
                String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? head : "unknown";
            } catch (IOException | InterruptedException e) {
                return "unknown";
            }
        }
    }

    /**
     * Errors answered with TPM_RC_HANDLE in the resource-manager layer, by command: 0x000B0N8B for handle N,
     * 0x000B0NCB for parameter N (FlushContext's handle is a parameter).
     */
    private static Map<String, Long> rmHandleRefusals(LoadStats stats) {
        Map<String, Long> found = new java.util.TreeMap<>();
        stats.withPrefix("error.").forEach((error, count) -> {
            if (error.matches(".*\\(0x000b0[0-9a-f][8c]b\\).*")) {
                found.put(error, count);
            }
        });
        return found;
    }
}
