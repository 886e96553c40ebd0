package io.tpm4j.rm;

import io.tpm4j.api.TpmTransport;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One client's view of a TPM shared through a {@link ResourceManager}: a {@link TpmTransport} that behaves like
 * a TPM of its own. Its transient objects have virtual handles that mean nothing elsewhere; its sessions and
 * objects cannot be named, flushed or listed by any other space; closing it flushes everything it still holds.
 *
 * <p>Thread-safe; commands from several threads on one space keep their arrival order. After the chip is
 * removed every command fails with {@link io.tpm4j.api.TpmDeviceRemovedException}, and {@link #close()} still
 * works.
 */
public final class Space implements TpmTransport {

    private final ResourceManager rm;
    private final String name;
    // Guarded by the chip's command lock.
    final Map<Integer, TrackedObject> objects = new HashMap<>();
    final Set<TrackedSession> sessions = new LinkedHashSet<>();
    final Counters counters = new Counters();
    volatile boolean closed;

    Space(ResourceManager rm, String name) {
        this.rm = rm;
        this.name = name;
    }

    /** The name given when the space was opened, with a number that makes it unique. */
    public String name() {
        return name;
    }

    public boolean isOpen() {
        return !closed;
    }

    /** What this space has cost the TPM so far. */
    public RmCounters counters() {
        return counters.snapshot();
    }

    @Override
    public byte[] transmit(byte[] command) {
        return rm.execute(this, command);
    }

    /** Flushes every object and session the space still holds; idempotent, and needs no TPM once it is removed. */
    @Override
    public void close() {
        rm.close(this);
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    @Override
    public String toString() {
        return "Space[" + name + (closed ? ", closed]" : "]");
    }
}
