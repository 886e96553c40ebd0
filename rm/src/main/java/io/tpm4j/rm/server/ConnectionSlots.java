package io.tpm4j.rm.server;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The server's connection slots, in two pools counted apart: connections that own a space (raw, mssim
 * command) and control connections (mssim platform, health), so that an mssim client's platform socket does not
 * cost a second space slot. Each pool is bounded in total and per peer (a Unix socket's uid, a TCP client's
 * address), so that one peer's idle connections leave room for the others.
 */
final class ConnectionSlots {

    /** What a connection occupies. */
    enum Pool {
        SPACES("connections"), CONTROL("platform and health connections");

        private final String what;

        Pool(String what) {
            this.what = what;
        }

        static Pool of(RmServer.Kind kind) {
            return kind == RmServer.Kind.RAW || kind == RmServer.Kind.MSSIM_COMMAND ? SPACES : CONTROL;
        }
    }

    private final int max;
    private final int maxPerPeer;
    private final Map<Pool, Integer> totals = new EnumMap<>(Pool.class);
    private final Map<Pool, Map<String, Integer>> byPeer = new EnumMap<>(Pool.class);

    ConnectionSlots(int max, int maxPerPeer) {
        this.max = max;
        this.maxPerPeer = Math.min(max, maxPerPeer);
        for (Pool pool : Pool.values()) {
            totals.put(pool, 0);
            byPeer.put(pool, new HashMap<>());
        }
    }

    /**
     * Takes a slot of {@code pool} for {@code peer}.
     *
     * @return null when taken, or why not (for the log)
     */
    synchronized String take(Pool pool, String peer) {
        int total = totals.get(pool);
        if (total >= max) {
            return "already " + max + " " + pool.what + " (--max-connections)";
        }
        Map<String, Integer> peers = byPeer.get(pool);
        int held = peers.getOrDefault(peer, 0);
        if (held >= maxPerPeer) {
            return peer + " already has " + maxPerPeer + " " + pool.what + " (--max-connections-per-peer)";
        }
        totals.put(pool, total + 1);
        peers.put(peer, held + 1);
        return null;
    }

    /** Gives back a slot taken by {@link #take}. */
    synchronized void give(Pool pool, String peer) {
        totals.merge(pool, -1, Integer::sum);
        byPeer.get(pool).computeIfPresent(peer, (p, held) -> held > 1 ? held - 1 : null);
    }
}
