package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.attest.PcrMismatch;
import io.tpm4j.attest.PcrValues;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A measurement log replayed: the PCR values its events extend to, and which events went into each PCR.
 *
 * @param values the replayed values of the PCRs the log extends (a PCR no event extends is not listed)
 * @param events by PCR index, the events extended into it, in order
 * @param <E>    the log's event type
 */
public record PcrReplay<E>(PcrValues values, Map<Integer, List<E>> events) {

    public PcrReplay {
        SortedMap<Integer, List<E>> copy = new TreeMap<>();
        events.forEach((index, list) -> copy.put(index, List.copyOf(list)));
        events = java.util.Collections.unmodifiableSortedMap(copy);
    }

    /**
     * Every PCR in {@code expected} whose value this replay does not reach, with the events that made it. A PCR the
     * log never extends replays to all zeros; a bank the log does not have is a mismatch for each of its PCRs.
     * Pass only the PCRs this log is meant to account for (0-7 for the firmware log, 10 for IMA).
     */
    public List<PcrMismatch<E>> compare(PcrValues expected) {
        List<PcrMismatch<E>> mismatches = new ArrayList<>();
        for (TpmAlg bank : expected.banks()) {
            for (int index : expected.indexes(bank)) {
                byte[] want = expected.get(bank, index).orElseThrow();
                List<E> made = events.getOrDefault(index, List.of());
                if (!values.banks().contains(bank)) {
                    mismatches.add(new PcrMismatch<>(bank, index, want, new byte[0],
                            "the log has no " + TpmAlg.describe(bank.value()) + " bank", made));
                    continue;
                }
                byte[] got = values.get(bank, index).orElse(new byte[want.length]);
                if (!Arrays.equals(want, got)) {
                    mismatches.add(new PcrMismatch<>(bank, index, want, got, made.isEmpty()
                            ? "the log extends nothing into it" : "the log's " + made.size()
                            + " events replay to another value", made));
                }
            }
        }
        return mismatches;
    }
}
