package io.tpm4j.rm;

/**
 * Running counts behind {@link RmCounters}. Written only under the chip's command lock; volatile so a snapshot
 * taken from any thread without that lock sees recent values.
 */
final class Counters {
    volatile long clientCommands;
    volatile long tpmCommands;
    volatile long contextLoads;
    volatile long contextSaves;
    volatile long flushes;
    volatile long evictions;
    volatile long refusals;

    RmCounters snapshot() {
        return new RmCounters(clientCommands, tpmCommands, contextLoads, contextSaves, flushes, evictions, refusals);
    }
}
