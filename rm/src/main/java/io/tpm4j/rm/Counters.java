package io.tpm4j.rm;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Running counts behind {@link RmCounters}. Counted under the chip's command lock; atomic so that a snapshot
 * taken from any thread without that lock sees recent values.
 */
final class Counters {

    /** What is counted: one of each per occurrence, for a space and for the whole resource manager alike. */
    enum Event {
        CLIENT_COMMAND, TPM_COMMAND, CONTEXT_LOAD, CONTEXT_SAVE, FLUSH, EVICTION, REFUSAL
    }

    private final AtomicLongArray counts = new AtomicLongArray(Event.values().length);

    void add(Event event) {
        counts.incrementAndGet(event.ordinal());
    }

    RmCounters snapshot() {
        return new RmCounters(get(Event.CLIENT_COMMAND), get(Event.TPM_COMMAND), get(Event.CONTEXT_LOAD),
                get(Event.CONTEXT_SAVE), get(Event.FLUSH), get(Event.EVICTION), get(Event.REFUSAL));
    }

    private long get(Event event) {
        return counts.get(event.ordinal());
    }
}
