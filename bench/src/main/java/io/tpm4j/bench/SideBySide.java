package io.tpm4j.bench;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the benchmarks in several rounds, each a complete JMH run, and reports every benchmark's ratio to
 * {@code bareLoop} (or the benchmark the system property {@code bench.floor} names) round by round. On a machine whose speed drifts (a shared or virtual machine), one JMH
 * run can catch the baseline in a fast phase and tpm4j in a slow one; the median of the per-round ratios
 * is robust against that. Usage: {@code SideBySide ROUNDS [JMH options]} (bench/run --rounds ROUNDS).
 */
public final class SideBySide {

    private static final String FLOOR = System.getProperty("bench.floor", "bareLoop");

    private SideBySide() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !args[0].matches("[1-9][0-9]*")) {
            System.err.println("usage: SideBySide ROUNDS [JMH options]");
            System.exit(2);
        }
        int rounds = Integer.parseInt(args[0]);
        CommandLineOptions cli = new CommandLineOptions(Arrays.copyOfRange(args, 1, args.length));
        Path dir = Path.of(System.getProperty("bench.results", "jmh-rounds"));
        Files.createDirectories(dir);

        Map<String, List<Double>> scores = new TreeMap<>();
        Map<String, List<Double>> ratios = new TreeMap<>();
        for (int round = 1; round <= rounds; round++) {
            System.out.printf("%n# Round %d of %d%n", round, rounds);
            Options options = new OptionsBuilder().parent(cli)
                    .result(dir.resolve("round-" + round + ".json").toString())
                    .resultFormat(ResultFormatType.JSON).build();
            Map<String, Double> thisRound = new LinkedHashMap<>();
            for (RunResult result : new Runner(options).run()) {
                thisRound.put(key(result), score(result));
            }
            for (Map.Entry<String, Double> e : thisRound.entrySet()) {
                scores.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
                Double floor = thisRound.get(floorKey(e.getKey(), thisRound));
                if (floor != null && !e.getKey().contains("." + FLOOR)) {
                    ratios.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue() / floor);
                }
            }
        }

        System.out.printf("%n# %d rounds (avgt: mean us/op of the round; p50: median of its samples)%n", rounds);
        System.out.printf("%-56s %10s %10s %10s%n", "benchmark [statistic]", "median", "min", "max");
        scores.forEach((k, v) -> System.out.printf("%-56s %10.3f %10.3f %10.3f%n", k, median(v), min(v), max(v)));
        System.out.printf("%n# ratio to %s, per round%n", FLOOR);
        System.out.printf("%-56s %10s %10s %10s %14s%n", "benchmark [statistic]", "median", "min", "max", "rounds <= 1.10");
        ratios.forEach((k, v) -> System.out.printf("%-56s %10.3f %10.3f %10.3f %11d/%d%n", k, median(v), min(v), max(v),
                v.stream().filter(r -> r <= 1.10).count(), v.size()));
        System.out.println("\nPer-round JMH results: " + dir.toAbsolutePath());
    }

    /** "Class.method(param=value,...) [avgt|p50|...]" */
    private static String key(RunResult result) {
        var params = result.getParams();
        String benchmark = params.getBenchmark();
        String name = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
        List<String> values = new ArrayList<>();
        for (String p : params.getParamsKeys()) {
            values.add(p + "=" + params.getParam(p));
        }
        String statistic = params.getMode() == Mode.SampleTime ? "p50" : params.getMode().shortLabel();
        return name + (values.isEmpty() ? "" : "(" + String.join(",", values) + ")") + " [" + statistic + "]";
    }

    /**
     * The baseline of the same class and statistic: {@code bareLoopX} for {@code tpm4jX} where the class has
     * one, else its bareLoop (without a poll timeout where that is a parameter).
     */
    private static String floorKey(String key, Map<String, Double> round) {
        String statistic = key.substring(key.lastIndexOf(" ["));
        String className = key.substring(0, key.indexOf('.') + 1);
        String method = key.substring(key.indexOf('.') + 1, key.lastIndexOf(" [")).replaceAll("\\(.*", "");
        String specific = className + FLOOR + (method.startsWith("tpm4j") ? method.substring("tpm4j".length()) : "");
        if (round.containsKey(specific + statistic)) {
            return specific + statistic;
        }
        String floor = className + FLOOR;
        return round.containsKey(floor + statistic) ? floor + statistic : floor + "(pollTimeoutMillis=-1)" + statistic;
    }

    private static double score(RunResult result) {
        Result<?> primary = result.getPrimaryResult();
        return result.getParams().getMode() == Mode.SampleTime
                ? primary.getStatistics().getPercentile(50) : primary.getScore();
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
