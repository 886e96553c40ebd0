package io.tpm4j.rm.load;

import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmCc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one load client process saw, per TPM command: how many it sent, how many were answered (by response code)
 * or not (by why), and a latency histogram. Written as a small text file that the test merges across processes;
 * a client writes it every second, so a SIGKILLed one leaves what it had seen until shortly before.
 * Thread-safe through its monitor: the TPM behind the server is serial, so contention is low.
 */
final class LoadStats {

    /** Latency buckets grow by 2 %: percentiles are exact to within that. */
    private static final double BUCKET_GROWTH = 1.02;

    private final Map<String, Long> counters = new TreeMap<>();
    /** Per command name: bucket index of the latency in microseconds to count. */
    private final Map<String, TreeMap<Integer, Long>> latency = new TreeMap<>();

    synchronized void add(String counter, long n) {
        counters.merge(counter, n, Long::sum);
    }

    synchronized void max(String counter, long n) {
        counters.merge(counter, n, Math::max);
    }

    synchronized long get(String counter) {
        return counters.getOrDefault(counter, 0L);
    }

    /** Counters whose name starts with {@code prefix}, the prefix taken off. */
    synchronized Map<String, Long> withPrefix(String prefix) {
        Map<String, Long> found = new TreeMap<>();
        counters.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                found.put(k.substring(prefix.length()), v);
            }
        });
        return found;
    }

    void sent(int commandCode) {
        add("sent", 1);
        add("sent." + name(commandCode), 1);
    }

    synchronized void answered(int commandCode, int responseCode, long nanos) {
        String command = name(commandCode);
        add("answered", 1);
        if (responseCode != 0) {
            add("error." + command + " " + new ResponseCode(responseCode).describe(), 1);
            add("errors", 1);
        }
        long micros = Math.max(1, nanos / 1000);
        latency.computeIfAbsent(command, k -> new TreeMap<>()).merge(bucket(micros), 1L, Long::sum);
        latency.computeIfAbsent("all", k -> new TreeMap<>()).merge(bucket(micros), 1L, Long::sum);
    }

    void unanswered(int commandCode, String why) {
        add("unanswered", 1);
        add("unanswered." + name(commandCode) + " " + why, 1);
    }

    static String name(int commandCode) {
        return TpmCc.of(commandCode).map(TpmCc::specName).orElse(String.format("0x%08x", commandCode));
    }

    private static int bucket(long micros) {
        return (int) Math.floor(Math.log(micros) / Math.log(BUCKET_GROWTH));
    }

    private static long upperBound(int bucket) {
        return (long) Math.ceil(Math.pow(BUCKET_GROWTH, bucket + 1));
    }

    /** The command names with latencies, "all" included. */
    synchronized List<String> timedCommands() {
        return new ArrayList<>(latency.keySet());
    }

    synchronized long count(String command) {
        return latency.getOrDefault(command, new TreeMap<>()).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The latency in microseconds below which {@code fraction} of the command's answers came (to within 2 %). */
    synchronized long percentileMicros(String command, double fraction) {
        TreeMap<Integer, Long> buckets = latency.getOrDefault(command, new TreeMap<>());
        long total = buckets.values().stream().mapToLong(Long::longValue).sum();
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (Map.Entry<Integer, Long> e : buckets.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return upperBound(e.getKey());
            }
        }
        return 0;
    }

    synchronized void merge(LoadStats other) {
        other.counters.forEach((k, v) -> {
            if (k.startsWith("max.")) {
                max(k, v);
            } else {
                add(k, v);
            }
        });
        other.latency.forEach((command, buckets) -> buckets.forEach((b, n) ->
                latency.computeIfAbsent(command, k -> new TreeMap<>()).merge(b, n, Long::sum)));
    }

    /** Writes the file whole under a temporary name, then renames it: a reader never sees half of it. */
    void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        synchronized (this) {
            counters.forEach((k, v) -> text.append("c\t").append(k).append('\t').append(v).append('\n'));
            latency.forEach((command, buckets) -> buckets.forEach((b, n) ->
                    text.append("l\t").append(command).append('\t').append(b).append('\t').append(n).append('\n')));
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static LoadStats read(Path file) throws IOException {
        LoadStats stats = new LoadStats();
        if (!Files.exists(file)) {
            return stats;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f[0].equals("c")) {
                stats.counters.put(f[1], Long.parseLong(f[2]));
            } else {
                stats.latency.computeIfAbsent(f[1], k -> new TreeMap<>()).put(Integer.parseInt(f[2]), Long.parseLong(f[3]));
            }
        }
        return stats;
    }
}
