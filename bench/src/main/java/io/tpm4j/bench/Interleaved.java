package io.tpm4j.bench;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.ffi.LinuxTpmDevice;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Load+Sign+Flush three ways, alternated in blocks inside one JVM so that a machine whose speed drifts slows
 * all alike (JMH runs one benchmark after the other): the {@code Tpm} facade, the same command bytes through
 * {@link LinuxTpmDevice#transmit} on the same swtpm (device cost without the facade), and the bare loop on
 * its own swtpm. Prints each round's mean per operation and the ratios, then the median ratios.
 * Usage: {@code Interleaved [ROUNDS] [BLOCK]} ({@code bench/run --interleaved}); {@code Interleaved session
 * [ROUNDS] [BLOCK]} does the same for Sign in a salted, encrypting session ({@link SessionBenchmark}).
 */
public final class Interleaved {

    private Interleaved() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("session")) {
            int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
            int block = args.length > 2 ? Integer.parseInt(args[2]) : 200;
            sessionSign(rounds, block);
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int block = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Tpm4jSwtpm tpm4j = new Tpm4jSwtpm();
        LoadSignFlushBenchmark.Keys keys = new LoadSignFlushBenchmark.Keys();
        LoadSignFlushBenchmark.Bare bare = new LoadSignFlushBenchmark.Bare();
        LoadSignFlushBenchmark benchmark = new LoadSignFlushBenchmark();
        tpm4j.start();
        try {
            keys.create(tpm4j);
            bare.start();
            try {
                // The facade's three commands, recorded once, for the device variant.
                List<byte[]> sent = new ArrayList<>();
                Tpm recording = Tpm.on(request -> {
                    sent.add(request.clone());
                    return tpm4j.device.transmit(request);
                });
                try (TpmObject key = recording.load(keys.srk, keys.created)) {
                    recording.sign(key, keys.digest);
                }
                byte[][] commands = {sent.get(0), sent.get(sent.size() - 2), sent.get(sent.size() - 1)};
                Runnable[] variants = {
                    () -> benchmark.bareLoop(bare),
                    () -> benchmark.tpm4jTpm(tpm4j, keys),
                    () -> deviceLoadSignFlush(tpm4j.device, commands)};
                String[] names = {"bareLoop", "tpm4jTpm", "tpm4jDevice"};
                alternate(names, variants, rounds, block);
            } finally {
                bare.stop();
            }
        } finally {
            tpm4j.stop();
        }
    }

    /** SessionBenchmark's Sign in a salted, encrypting session against its bare loop, alternated in blocks. */
    private static void sessionSign(int rounds, int block) throws Exception {
        Tpm4jSwtpm tpm4j = new Tpm4jSwtpm();
        SessionBenchmark.Tpm4jSession session = new SessionBenchmark.Tpm4jSession();
        SessionBenchmark.Bare bare = new SessionBenchmark.Bare();
        SessionBenchmark benchmark = new SessionBenchmark();
        tpm4j.start();
        try {
            session.start(tpm4j);
            bare.start();
            try {
                alternate(new String[] {"bareLoop", "tpm4jSign"}, new Runnable[] {
                    () -> bareSign(benchmark, bare), () -> benchmark.tpm4jSign(tpm4j, session)}, rounds, block);
            } finally {
                bare.stop();
            }
        } finally {
            tpm4j.stop();
        }
    }

    /**
     * Warms every variant up, then runs {@code rounds} rounds of {@code block} operations of each, the order
     * rotated per round, and prints each variant's time per operation and ratio to the first, then the
     * median ratios.
     */
    private static void alternate(String[] names, Runnable[] variants, int rounds, int block) {
        for (int i = 0; i < 5 * block; i++) {
            for (Runnable variant : variants) {
                variant.run();
            }
        }
        double[][] ratios = new double[variants.length][rounds];
        for (int round = 0; round < rounds; round++) {
            double[] us = new double[variants.length];
            for (int k = 0; k < variants.length; k++) {
                int v = (k + round) % variants.length;
                long start = System.nanoTime();
                for (int i = 0; i < block; i++) {
                    variants[v].run();
                }
                us[v] = (System.nanoTime() - start) / 1000.0 / block;
            }
            StringBuilder line = new StringBuilder(String.format("round %2d: %s %7.1f us", round + 1, names[0], us[0]));
            for (int v = 1; v < variants.length; v++) {
                ratios[v][round] = us[v] / us[0];
                line.append(String.format("  %s %7.1f us (%.3f)", names[v], us[v], ratios[v][round]));
            }
            System.out.println(line);
        }
        for (int v = 1; v < variants.length; v++) {
            double[] sorted = ratios[v].clone();
            Arrays.sort(sorted);
            System.out.printf("%s / %s over %d rounds of %d: median %.3f (min %.3f, max %.3f)%n", names[v], names[0],
                    rounds, block, median(sorted), sorted[0], sorted[rounds - 1]);
        }
    }

    private static void bareSign(SessionBenchmark benchmark, SessionBenchmark.Bare bare) {
        try {
            benchmark.bareLoop(bare);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double median(double[] sorted) {
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** Load, then Sign and FlushContext with the handle Load returned patched in. */
    private static void deviceLoadSignFlush(LinuxTpmDevice device, byte[][] commands) {
        int handle = ByteBuffer.wrap(device.transmit(commands[0]), 10, 4).getInt();
        byte[] sign = commands[1].clone();
        ByteBuffer.wrap(sign).putInt(10, handle);
        device.transmit(sign);
        byte[] flush = commands[2].clone();
        ByteBuffer.wrap(flush).putInt(10, handle);
        device.transmit(flush);
    }
}
