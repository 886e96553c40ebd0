package io.tpm4j.bench.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.Space;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How long a light client waits at the RM while a heavy one keeps the TPM busy: the heavy client loops
 * TPM2_CreatePrimary (RSA-2048) + TPM2_FlushContext on N threads of one space, or on N spaces of one peer; the
 * light client sends TPM2_GetRandom(8) in a loop on a space of its own (another peer) and times each command.
 *
 * <p>Two ways of taking turns, alternated in the same run on the same swtpm: {@code fair}, the chip's own queue
 * (round-robin across peers, then spaces), and {@code fifo}, the chip's lock before it: every client thread
 * takes one shared first-come-first-served {@code ReentrantLock(true)} around each command, so commands reach
 * the chip one at a time in that lock's order and the chip's queue never sees two at once. {@code alone} is the
 * light client with no heavy one. Usage: {@code Fairness [SECONDS [ROUNDS [HEAVY]]]} (bench/run --fairness):
 * each round runs every scenario and mode for SECONDS (default 20), the order of the modes alternating between
 * rounds; HEAVY (default 4) threads or spaces. Prints each run's light p50/p99, then the latencies of all rounds
 * together.
 */
public final class Fairness {

    private static final byte[] GET_RANDOM_8 = {(byte) 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7B, 0, 8};

    private Fairness() {
    }

    /** How the heavy client spreads over the RM: threads of one space, or spaces of one peer. */
    private enum Heavy { THREADS, SPACES }

    /** What one run measured: the light client's latencies in nanoseconds, and the heavy client's keys. */
    private record Run(long[] lightNanos, long keys, double seconds) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int heavy = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        Map<String, List<long[]>> samples = new LinkedHashMap<>();
        Map<String, long[]> keys = new LinkedHashMap<>();
        try (RmChip rm = new RmChip(ResourceManager.Options.defaults())) {
            measure(rm, null, Heavy.THREADS, 1, 3);   // warm-up, not counted
            for (int round = 1; round <= rounds; round++) {
                boolean fifoFirst = round % 2 == 1;
                for (Heavy shape : Heavy.values()) {
                    for (boolean fifo : fifoFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                        String name = shape.name().toLowerCase() + "/" + (fifo ? "fifo" : "fair");
                        Run run = measure(rm, fifo ? new ReentrantLock(true) : null, shape, heavy, seconds);
                        report("round " + round + " " + name, run);
                        samples.computeIfAbsent(name, k -> new ArrayList<>()).add(run.lightNanos());
                        keys.merge(name, new long[] {run.keys(), Math.round(run.seconds() * 1000)},
                                (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                    }
                }
                Run alone = measure(rm, null, Heavy.THREADS, 0, Math.max(1, seconds / 4));
                report("round " + round + " alone", alone);
                samples.computeIfAbsent("alone", k -> new ArrayList<>()).add(alone.lightNanos());
            }
        }
        System.out.printf("%n# %d rounds, %d heavy threads or spaces; light client's GetRandom latency (ms)%n",
                rounds, heavy);
        System.out.printf("%-14s %8s %9s %9s %9s %9s %12s%n", "run", "commands", "p50", "p90", "p99", "max",
                "heavy keys/s");
        for (Map.Entry<String, List<long[]>> e : samples.entrySet()) {
            long[] all = e.getValue().stream().flatMapToLong(Arrays::stream).sorted().toArray();
            long[] k = keys.get(e.getKey());
            System.out.printf("%-14s %8d %9.3f %9.3f %9.3f %9.3f %12s%n", e.getKey(), all.length,
                    ms(percentile(all, 50)), ms(percentile(all, 90)), ms(percentile(all, 99)), ms(all[all.length - 1]),
                    k == null ? "-" : String.format("%.2f", k[0] * 1000.0 / k[1]));
        }
    }

    /**
     * Starts the heavy client (none when {@code heavy} is 0), waits until each of its threads has made a key,
     * then times the light client for {@code seconds}; {@code fifo}, when given, is taken around every command.
     */
    private static Run measure(RmChip rm, ReentrantLock fifo, Heavy shape, int heavy, int seconds)
            throws InterruptedException {
        List<Space> spaces = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong made = new AtomicLong();
        AtomicInteger ready = new AtomicInteger();
        Space shared = rm.rm.openSpace("heavy", "heavy peer");
        spaces.add(shared);
        for (int i = 0; i < heavy; i++) {
            Space space = shape == Heavy.THREADS ? shared : rm.rm.openSpace("heavy", "heavy peer");
            spaces.add(space);
            Tpm tpm = Tpm.on(inTurn(fifo, space));
            threads.add(Thread.ofPlatform().name("heavy-" + i).start(() -> {
                boolean first = true;
                while (!stop.get()) {
                    try (TpmObject key = tpm.createPrimary(TpmRh.OWNER, Templates.rsaSigningKey())) {
                        made.incrementAndGet();
                    }
                    if (first) {
                        ready.incrementAndGet();
                        first = false;
                    }
                }
            }));
        }
        while (ready.get() < heavy) {
            Thread.sleep(10);
        }
        long keysBefore = made.get();
        Space light = rm.rm.openSpace("light", "light peer");
        TpmTransport lightInTurn = inTurn(fifo, light);
        long[] nanos = new long[1024];
        int n = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long now = start;
        while (now < end) {
            lightInTurn.transmit(GET_RANDOM_8);
            long after = System.nanoTime();
            if (n == nanos.length) {
                nanos = Arrays.copyOf(nanos, n * 2);
            }
            nanos[n++] = after - now;
            now = after;
        }
        double elapsed = (now - start) / 1e9;
        long keys = made.get() - keysBefore;
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        light.close();
        spaces.forEach(Space::close);
        return new Run(Arrays.copyOf(nanos, n), keys, elapsed);
    }

    /** The space, with {@code fifo} (when given) held around each command: the chip's turns as they were before. */
    private static TpmTransport inTurn(ReentrantLock fifo, Space space) {
        if (fifo == null) {
            return space;
        }
        return command -> {
            fifo.lock();
            try {
                return space.transmit(command);
            } finally {
                fifo.unlock();
            }
        };
    }

    private static void report(String name, Run run) {
        long[] sorted = run.lightNanos().clone();
        Arrays.sort(sorted);
        System.out.printf("%-22s light: %6d commands, p50 %8.3f ms, p99 %8.3f ms; heavy: %.2f keys/s%n", name,
                sorted.length, ms(percentile(sorted, 50)), ms(percentile(sorted, 99)), run.keys() / run.seconds());
    }

    private static long percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
