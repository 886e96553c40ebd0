package io.tpm4j.bench.jca;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.TpmCc;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A tap in front of the TPM that counts the commands reaching it by command code, so a count can say which
 * commands a signature costs, not only how many, and the time spent at the TPM. It forwards every byte unchanged and owns nothing.
 */
final class CommandTally implements TpmTransport {

    private static final int HEADER = 10;

    private final TpmTransport tpm;
    private final Map<Integer, LongAdder> byCode = new ConcurrentHashMap<>();
    private final LongAdder nanos = new LongAdder();

    CommandTally(TpmTransport tpm) {
        this.tpm = tpm;
    }

    @Override
    public byte[] transmit(byte[] command) {
        if (command.length >= HEADER) {
            int code = ((command[6] & 0xff) << 24) | ((command[7] & 0xff) << 16) | ((command[8] & 0xff) << 8)
                    | (command[9] & 0xff);
            byCode.computeIfAbsent(code, c -> new LongAdder()).increment();
        }
        long start = System.nanoTime();
        try {
            return tpm.transmit(command);
        } finally {
            nanos.add(System.nanoTime() - start);
        }
    }

    /** The time spent waiting for the TPM's responses so far: what the TPM itself took, without its clients. */
    long nanosAtTpm() {
        return nanos.sum();
    }

    /** The commands so far, by name (TPM2_Sign, ...), in name order. */
    Map<String, Long> snapshot() {
        Map<String, Long> counts = new TreeMap<>();
        byCode.forEach((code, count) -> counts.put(TpmCc.describe(code), count.sum()));
        return counts;
    }

    /** What {@code later} counted beyond {@code earlier}; commands with no change are left out. */
    static Map<String, Long> difference(Map<String, Long> later, Map<String, Long> earlier) {
        Map<String, Long> counts = new TreeMap<>();
        later.forEach((name, count) -> {
            long added = count - earlier.getOrDefault(name, 0L);
            if (added != 0) {
                counts.put(name, added);
            }
        });
        return counts;
    }
}
