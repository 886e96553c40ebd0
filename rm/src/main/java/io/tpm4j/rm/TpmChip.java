package io.tpm4j.rm;

import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One TPM as the resource manager sees it: the backend transport that reaches it (its "ops"), a fair queue
 * that lets one command at a time through, taking turns across peers and spaces, and removal.
 *
 * <p>Removal follows the Linux kernel's "ops-nulling": {@link #remove()} marks the chip gone for new callers,
 * takes the ops write lock (so it waits for the command in flight), closes the backend and drops it. From then
 * on every command fails with {@link TpmDeviceRemovedException} without reaching the backend, and the chip
 * object stays valid for whoever still holds it. A backend that reports its TPM gone (EPIPE, ENODEV, a closed
 * simulator connection) removes the chip the same way, so every space sees one state; so does a backend that lost
 * its framing (a protocol error after which it no longer answers a harmless probe). If the command in
 * flight does not finish within {@link Options#removalGrace()} (a peer that never answers), removal closes the
 * backend first, which wakes that command, and then takes the lock: removal cannot hang.
 */
public final class TpmChip implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TpmChip.class);

    /**
     * How a chip behaves: how long removal waits for the command in flight before cancelling it, whether it
     * sends TPM2_Shutdown(CLEAR) before letting go of a TPM that is still there (the kernel does on
     * unregister), and how long a command may wait for its turn behind other commands.
     */
    public record Options(Duration removalGrace, boolean shutdownOnRemove, Duration queueTimeout) {
        public Options {
            Objects.requireNonNull(removalGrace, "removalGrace");
            Objects.requireNonNull(queueTimeout, "queueTimeout");
            if (removalGrace.isNegative() || queueTimeout.isNegative() || queueTimeout.isZero()) {
                throw new IllegalArgumentException("removalGrace must be >= 0 and queueTimeout > 0: "
                        + removalGrace + ", " + queueTimeout);
            }
        }

        /** Removal waits up to 5 s for the command in flight; no Shutdown; a command waits up to 10 min for its turn. */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(5), false, Duration.ofMinutes(10));
        }

        public Options withRemovalGrace(Duration grace) {
            return new Options(grace, shutdownOnRemove, queueTimeout);
        }

        public Options withShutdownOnRemove(boolean shutdown) {
            return new Options(removalGrace, shutdown, queueTimeout);
        }

        public Options withQueueTimeout(Duration timeout) {
            return new Options(removalGrace, shutdownOnRemove, timeout);
        }
    }

    /** TPM2_GetRandom(8): changes nothing on the TPM, answers on every TPM. */
    private static final byte[] PROBE = {(byte) 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7B, 0, 8};

    private final String name;
    private final Options options;
    /**
     * The kernel's chip mutex, made fair between clients: one command (with the RM's swapping around it) at a
     * time, round-robin across peers and their spaces, first come first served within a space.
     */
    private final FairCommandQueue commands = new FairCommandQueue();
    /** Whose turn the chip's own work is (starting a resource manager, opening spaces) when no space asks. */
    private final FairCommandQueue.Flow housekeeping = new FairCommandQueue.Flow(null, this);
    /** The kernel's ops_sem: commands hold it shared, removal exclusively. */
    private final ReentrantReadWriteLock opsLock = new ReentrantReadWriteLock(true);
    private final AtomicBoolean removing = new AtomicBoolean();
    /** The resource manager that owns this chip's transient objects and sessions; two would fight over them. */
    private final java.util.concurrent.atomic.AtomicReference<ResourceManager> manager =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean gone;
    /** Null once removed; written only under the ops write lock, read under the read lock (or to cancel). */
    private volatile TpmTransport backend;

    private TpmChip(TpmTransport backend, String name, Options options) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.name = Objects.requireNonNull(name, "name");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A chip over {@code backend}, which it owns from now on: removal or {@link #close()} closes it. */
    public static TpmChip over(TpmTransport backend, String name) {
        return new TpmChip(backend, name, Options.defaults());
    }

    public static TpmChip over(TpmTransport backend, String name, Options options) {
        return new TpmChip(backend, name, options);
    }

    public String name() {
        return name;
    }

    public Options options() {
        return options;
    }

    /** Whether the chip was removed, or is being removed: no command reaches its backend any more. */
    public boolean isRemoved() {
        return gone;
    }

    /**
     * Removes the chip: idempotent, and safe from any thread, including one that has a command in flight on
     * another thread. Returns when the backend is closed and dropped; later calls return at once.
     */
    public void remove() {
        gone = true;
        if (!removing.compareAndSet(false, true)) {
            return;
        }
        boolean locked = false;
        try {
            locked = opsLock.writeLock().tryLock(options.removalGrace().toNanos(), TimeUnit.NANOSECONDS);
            if (!locked) {
                // The command in flight is stuck on a TPM or peer that does not answer: closing the backend
                // wakes it (our transports fail a waiting command at once when closed), then it lets go.
                log.warn("{}: the command in flight did not finish within {} ms of removal; cancelling it",
                        name, options.removalGrace().toMillis());
                closeQuietly(backendForCancel());
                opsLock.writeLock().lock();
                locked = true;
            }
            if (options.shutdownOnRemove() && backend != null) {
                shutdownClear(backend);
            }
            closeQuietly(backend);
            backend = null;
            log.info("{}: removed; every later command fails with TpmDeviceRemovedException", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(backendForCancel());
            log.warn("{}: interrupted while removing; the backend was closed without waiting", name);
        } finally {
            if (locked) {
                opsLock.writeLock().unlock();
            }
        }
    }

    /** Same as {@link #remove()}: the chip lets go of its backend. */
    @Override
    public void close() {
        remove();
    }

    /** Takes the chip for work of its own or of its resource manager that no space asked for. */
    void lockCommands(int commandCode) {
        lockCommands(housekeeping, commandCode);
    }

    /**
     * Takes the chip for one command of {@code flow} (a space, and the peer it belongs to) and whatever swapping
     * it needs, when its turn comes; waits at most the queue timeout. Removal does not need this, so it never
     * waits behind queued commands.
     */
    void lockCommands(FairCommandQueue.Flow flow, int commandCode) {
        try {
            if (!commands.acquire(flow, options.queueTimeout().toNanos())) {
                throw new TpmTimeoutException(name, commandCode, options.queueTimeout(), TpmCc.describe(commandCode)
                        + " waited " + options.queueTimeout().toMillis() + " ms for its turn at the TPM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TpmTransportException(name, "interrupted while waiting for the TPM");
        }
    }

    void unlockCommands() {
        commands.release();
    }

    /** How many commands wait for their turn at the chip, for tests and diagnostics. */
    int waitingForTurn() {
        return commands.waiting();
    }

    /** Records {@code rm} as the chip's one resource manager; refuses a second one while the first is open. */
    void claim(ResourceManager rm) {
        if (!manager.compareAndSet(null, rm)) {
            throw new IllegalStateException(name + " already has an open resource manager; close it first (two "
                    + "would swap each other's objects and sessions out)");
        }
    }

    void release(ResourceManager rm) {
        manager.compareAndSet(rm, null);
    }

    /** Throws {@link TpmDeviceRemovedException} when the chip is gone. */
    void checkPresent() {
        if (gone) {
            throw removedException(null);
        }
    }

    /** Sends one command to the TPM; the caller holds the command lock. */
    byte[] send(byte[] command) {
        checkPresent();
        boolean held = acquireShared();
        TpmDeviceRemovedException goneNow;
        try {
            TpmTransport ops = backend;
            if (!held || ops == null || gone) {
                throw removedException(null);
            }
            try {
                return ops.transmit(command);
            } catch (TpmDeviceRemovedException e) {
                goneNow = e;
            } catch (TpmProtocolException e) {
                if (framingIntact(ops)) {
                    throw e;
                }
                log.warn("{}: the backend lost its framing ({}); removing the chip", name, e.getMessage());
                goneNow = removedException(e);
            } catch (IllegalStateException e) {
                // Our backends fail a command with this when they are closed under it: by removal, or by
                // whoever else closed them. Either way the TPM is out of reach for good.
                if (!gone) {
                    log.warn("{}: the backend was closed under {}: {}", name,
                            TpmCc.describe(TpmHeader.commandCode(command)), e.getMessage());
                }
                goneNow = removedException(e);
            }
        } finally {
            if (held) {
                opsLock.readLock().unlock();
            }
        }
        if (!gone) {
            log.warn("{}: the backend reports the TPM gone ({}); removing the chip", name, goneNow.getMessage());
        }
        remove();
        throw goneNow;
    }

    /**
     * After a response that did not parse: whether the backend still frames commands and responses, which a
     * harmless command (TPM2_GetRandom) shows. A backend that lost its place in the byte stream refuses it or
     * answers garbage, and no later command could be trusted: the chip counts as removed then, so clients learn
     * the TPM is gone instead of failing every command forever. A timeout decides nothing.
     */
    private boolean framingIntact(TpmTransport ops) {
        try {
            byte[] answer = ops.transmit(PROBE.clone());
            return answer.length >= TpmHeader.SIZE && BigEndian.u32(answer, 2) == answer.length;
        } catch (TpmTimeoutException e) {
            return true;
        } catch (TpmException | IllegalStateException e) {
            log.debug("{}: the framing probe failed: {}", name, e.toString());
            return false;
        }
    }

    /** The ops read lock for one send; removal holds the write lock only briefly, so the wait is bounded. */
    private boolean acquireShared() {
        try {
            return opsLock.readLock().tryLock(options.queueTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TpmTransportException(name, "interrupted while waiting for the TPM");
        }
    }

    private TpmDeviceRemovedException removedException(Throwable cause) {
        return new TpmDeviceRemovedException(name, "the TPM was removed; the resource manager sends it nothing more",
                cause);
    }

    /**
     * The backend, read without the ops lock, only to cancel a stuck command: our transports' close() is
     * thread-safe and idempotent, and the field changes only when removal clears it.
     */
    private TpmTransport backendForCancel() {
        return backend;
    }

    private void shutdownClear(TpmTransport ops) {
        try {
            Housekeeping.Answer<Void> answer = Housekeeping.shutdownClear(ops::transmit);
            if (!answer.ok()) {
                log.debug("{}: TPM2_Shutdown(CLEAR) on removal answered {}", name, answer.code());
            }
        } catch (RuntimeException e) {
            log.debug("{}: TPM2_Shutdown(CLEAR) on removal failed: {}", name, e.toString());
        }
    }

    private void closeQuietly(TpmTransport transport) {
        if (transport == null) {
            return;
        }
        try {
            transport.close();
        } catch (RuntimeException e) {
            log.debug("{}: closing the backend failed: {}", name, e.toString());
        }
    }

    @Override
    public String toString() {
        return "TpmChip[" + name + (gone ? ", removed]" : "]");
    }
}
