package io.tpm4j.rm;

import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.RetryPolicy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.CommandAttributes;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Shares one TPM between any number of {@link Space}s, each of which sees a TPM of its own: its transient
 * objects under virtual handles, its sessions, nothing of the others'. Objects and sessions are swapped in and
 * out with TPM2_ContextSave / TPM2_ContextLoad / TPM2_FlushContext as the TPM's few slots require.
 *
 * <p>Every client command goes prepare → transmit → commit, driven by the TPM's own command-attribute table:
 * <b>prepare</b> parses it, refuses what the space may not name (answering in the resource-manager layer
 * without touching the TPM), makes sure every object and session it names is loaded and translates their
 * handles; <b>transmit</b> sends it to the chip; <b>commit</b> records what the command created or flushed,
 * gives new objects virtual handles and applies the swapping policy. Each step has its class: prepare is
 * {@code CommandPreparer}, transmit goes through {@code Swapper} (which sends again when the TPM asks for room)
 * and {@code ChipLink} (which counts every command), commit is {@code ResponseCommitter}; {@code Tracker} keeps
 * what is tracked, {@code ContextGap} the ages of saved sessions, {@code Resync} re-reads the TPM after an
 * unknown outcome, and {@code Housekeeping} builds the RM's own commands from api's command records.
 *
 * <p>With {@link Swapping#LAZY} (the default) objects and sessions stay loaded until the TPM runs short of
 * slots, then the least recently used are swapped out: with no contention each client command costs exactly
 * one TPM command. {@link Swapping#EAGER} is the Linux kernel's policy (everything saved after every command),
 * for comparison. Sessions count against the space that started or saved them, within a fair share of the
 * TPM's sessions; those abandoned by a closed space are bounded; and the oldest saved session is re-saved before
 * the TPM's context counter gets too far ahead of it (TPM_RC_CONTEXT_GAP).
 *
 * <p>Thread-safe: commands from all spaces reach the TPM one at a time, taking turns round-robin across peers and
 * their spaces (see {@link #openSpace(String, Object)}), in arrival order within a space. Set the logger
 * {@code io.tpm4j.rm} to DEBUG to see every swap and refusal.
 */
public final class ResourceManager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ResourceManager.class);

    /** When the RM swaps objects and sessions out of the TPM. */
    public enum Swapping {
        /** Only when the TPM runs short of slots, least recently used first. */
        LAZY,
        /** After every command, as the Linux kernel's /dev/tpmrm0 does. */
        EAGER
    }

    /**
     * How a resource manager behaves. Quotas bound what one space may hold (refused in the resource-manager
     * layer with TPM_RC_OBJECT_MEMORY or TPM_RC_SESSION_MEMORY). A space's sessions are those it owns and those it
     * context-saved itself that nobody has loaded since; besides {@code maxSessionsPerSpace}, all spaces share a
     * budget of {@code min(TPM_PT_ACTIVE_SESSIONS_MAX, TPM_PT_CONTEXT_GAP_MAX / 4)} sessions, of which a space
     * may hold {@code min(maxSessionsPerSpace, max(budget / open spaces, (budget - the other spaces'
     * sessions) / 2))}: its fair part always, more only while as much stays free. {@code maxAbandonedSessions}
     * bounds the sessions whose saving space closed and that nobody loaded since (kept for whoever holds their
     * blobs; the oldest is flushed beyond the bound, or when the budget needs room); a live space's sessions are
     * never flushed for another. {@code retries} says which TPM warnings the RM answers by sending the command
     * again.
     */
    public record Options(Swapping swapping, boolean avoidContextGap, int maxObjectsPerSpace,
                          int maxSessionsPerSpace, int maxAbandonedSessions, RetryPolicy retries) {
        public Options {
            Objects.requireNonNull(swapping, "swapping");
            Objects.requireNonNull(retries, "retries");
            if (maxObjectsPerSpace < 1 || maxSessionsPerSpace < 1 || maxAbandonedSessions < 0) {
                throw new IllegalArgumentException("quotas must be positive and maxAbandonedSessions >= 0: "
                        + maxObjectsPerSpace + ", " + maxSessionsPerSpace + ", " + maxAbandonedSessions);
            }
        }

        /** Lazy swapping, context-gap avoidance, 128 objects and 16 sessions per space, 16 abandoned sessions. */
        public static Options defaults() {
            return new Options(Swapping.LAZY, true, 128, 16, 16, RetryPolicy.defaults());
        }

        /** The Linux kernel's behaviour: eager swapping and no context-gap avoidance (isolation stays strict). */
        public static Options kernelLike() {
            return defaults().withSwapping(Swapping.EAGER).withContextGapAvoidance(false);
        }

        public Options withSwapping(Swapping value) {
            return new Options(value, avoidContextGap, maxObjectsPerSpace, maxSessionsPerSpace, maxAbandonedSessions,
                    retries);
        }

        public Options withContextGapAvoidance(boolean value) {
            return new Options(swapping, value, maxObjectsPerSpace, maxSessionsPerSpace, maxAbandonedSessions,
                    retries);
        }

        public Options withQuotas(int objectsPerSpace, int sessionsPerSpace) {
            return new Options(swapping, avoidContextGap, objectsPerSpace, sessionsPerSpace, maxAbandonedSessions,
                    retries);
        }

        public Options withMaxAbandonedSessions(int value) {
            return new Options(swapping, avoidContextGap, maxObjectsPerSpace, maxSessionsPerSpace, value, retries);
        }

        public Options withRetries(RetryPolicy value) {
            return new Options(swapping, avoidContextGap, maxObjectsPerSpace, maxSessionsPerSpace,
                    maxAbandonedSessions, value);
        }
    }

    private final TpmChip chip;
    private final Options options;

    // The components of the command path; all guarded by the chip's command lock.
    private final Tracker tracker = new Tracker();
    private final ChipLink link;
    private final Swapper swapper;
    private final CommandPreparer preparer;
    private final ResponseCommitter committer;
    private final Resync resync;
    private final SessionBudget sessionBudget;
    private final Set<Space> spaces = new LinkedHashSet<>();
    private final Counters counters = new Counters();
    /** Stands for the RM itself in the counts of work no client asked for (flushing abandoned sessions at close). */
    private final Space housekeeping = new Space(this, "resource manager", counters, null);
    private int nextSpaceId = 1;

    private ResourceManager(TpmChip chip, Options options, Map<Integer, CommandAttributes> commandTable,
                            Map<Integer, Integer> properties) {
        this.chip = chip;
        this.options = options;
        int objectSlots = Math.max(2, properties.getOrDefault(TpmPt.HR_TRANSIENT_MIN.value(), 3));
        int sessionSlots = Math.max(1, properties.getOrDefault(TpmPt.HR_LOADED_MIN.value(), 3));
        long contextGapMax = Integer.toUnsignedLong(properties.getOrDefault(TpmPt.CONTEXT_GAP_MAX.value(), 0xFF));
        int maxCommandSize = properties.getOrDefault(TpmPt.MAX_COMMAND_SIZE.value(), 4096);
        int activeSessions = Math.max(1, properties.getOrDefault(TpmPt.ACTIVE_SESSIONS_MAX.value(), 64));
        this.link = new ChipLink(chip);
        this.swapper = new Swapper(tracker, link, options, objectSlots, sessionSlots, contextGapMax);
        this.resync = new Resync(tracker, link);
        this.sessionBudget = new SessionBudget(tracker, link, sessionBudget(activeSessions, contextGapMax),
                options.maxSessionsPerSpace(), options.maxAbandonedSessions(), spaces::size);
        this.preparer = new CommandPreparer(commandTable, maxCommandSize, options, tracker, swapper, sessionBudget);
        ClientSaves clientSaves = new ClientSaves(tracker, link, swapper.gap());
        this.committer = new ResponseCommitter(tracker, clientSaves, resync);
        log.debug("{}: resource manager over {} commands, {} object and {} session slots, {} sessions in all, "
                + "context gap {}, {}", chip.name(), commandTable.size(), objectSlots, sessionSlots,
                sessionBudget.budget(), contextGapMax, options);
    }

    /**
     * How many sessions the spaces may hold together: what the TPM can keep active, and no more than a quarter of
     * its context gap, so that re-saving the oldest keeps every saved session loadable.
     */
    static int sessionBudget(int activeSessionsMax, long contextGapMax) {
        return (int) Math.max(1, Math.min(activeSessionsMax, contextGapMax / 4));
    }

    /** A resource manager with {@link Options#defaults()} over {@code chip}. */
    public static ResourceManager over(TpmChip chip) {
        return over(chip, Options.defaults());
    }

    /**
     * A resource manager over {@code chip}: starts the TPM if nobody has (TPM2_Startup(CLEAR), then, as firmware
     * would, {@link PlatformHierarchy#DISABLE disables the platform hierarchy}: start it yourself with
     * {@link PlatformHierarchy#KEEP} to keep it), then reads its command-attribute table and the limits it works with (loaded objects and sessions, context gap, command
     * size). A chip has one resource manager at a time.
     *
     * @throws IllegalStateException when the chip already has an open resource manager
     */
    public static ResourceManager over(TpmChip chip, Options options) {
        Objects.requireNonNull(chip, "chip");
        Objects.requireNonNull(options, "options");
        TpmTransport direct = command -> {
            chip.lockCommands(TpmHeader.commandCode(command));
            try {
                return chip.send(command);
            } finally {
                chip.unlockCommands();
            }
        };
        Tpm tpm = Tpm.on(direct);
        PlatformHierarchy.DISABLE.startupIfNeeded(tpm);
        Map<Integer, CommandAttributes> table = new HashMap<>();
        for (CommandAttributes attributes : tpm.commands()) {
            table.put(attributes.commandCode(), attributes);
        }
        ResourceManager rm = new ResourceManager(chip, options, Map.copyOf(table), tpm.allProperties());
        chip.claim(rm);
        return rm;
    }

    public TpmChip chip() {
        return chip;
    }

    public Options options() {
        return options;
    }

    /** A new space: an empty view of the TPM for one client, with a turn of its own at the TPM. */
    public Space openSpace(String name) {
        return openSpace(name, null);
    }

    /**
     * A new space for one client of {@code peer}: spaces of equal peers (by {@code equals}) share one turn at the
     * TPM, so a peer gets the same share however many spaces it opens; within it, its spaces take turns. The
     * server passes whom a connection comes from (a uid, a remote address); null gives the space a turn of its
     * own, as {@link #openSpace(String)} does.
     */
    public Space openSpace(String name, Object peer) {
        Objects.requireNonNull(name, "name");
        chip.lockCommands(0);
        try {
            Space space = new Space(this, name + "#" + nextSpaceId++, counters, peer);
            spaces.add(space);
            return space;
        } finally {
            chip.unlockCommands();
        }
    }

    public Space openSpace() {
        return openSpace("space");
    }

    /** What all spaces together have done, including those already closed. */
    public RmCounters counters() {
        return counters.snapshot();
    }

    /**
     * Closes every open space, which flushes what each still holds, then flushes the sessions clients saved and
     * never loaded again (nobody can load them through this RM any more). The chip stays as it is.
     */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            List<Space> open;
            chip.lockCommands(0);
            try {
                open = List.copyOf(spaces);
            } finally {
                chip.unlockCommands();
            }
            open.forEach(Space::close);
            chip.lockCommands(0);
            try {
                for (TrackedSession session : tracker.sessions()) {
                    flushQuietly(housekeeping, session.handle());
                    tracker.drop(session);
                }
            } finally {
                chip.unlockCommands();
            }
        } finally {
            chip.release(this);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The command path.

    byte[] execute(Space space, byte[] command) {
        int code = TpmHeader.commandCode(command);
        chip.lockCommands(space.flow, code);
        // Whether this thread holds the chip: it lets go while it backs off, and may fail to get it back.
        boolean locked = true;
        try {
            space.checkOpen();
            chip.checkPresent();
            space.count(Counters.Event.CLIENT_COMMAND);
            for (int attempt = 1; ; attempt++) {
                byte[] response = once(space, command, code);
                int rc = BigEndian.u32(response, 6);
                if (!options.retries().shouldRetry(rc, attempt)) {
                    return response;
                }
                Duration delay = options.retries().delayAfter(attempt);
                log.debug("{}: {} answered {}; sending it again in {} ms", space.name(), TpmCc.describe(code),
                        new ResponseCode(rc), delay.toMillis());
                // Other spaces go on while this one waits; whatever they swap, prepare runs again.
                chip.unlockCommands();
                locked = false;
                backOff(space, code, rc, delay);
                chip.lockCommands(space.flow, code);
                locked = true;
                space.checkOpen();
                chip.checkPresent();
            }
        } finally {
            if (locked) {
                chip.unlockCommands();
            }
        }
    }

    /** Waits before sending again; an interrupt ends the command with tpm4j's exception, the flag kept. */
    private void backOff(Space space, int code, int rc, Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TpmTransportException(chip.name(), space.name() + ": interrupted while waiting to send "
                    + TpmCc.describe(code) + " again after " + new ResponseCode(rc));
        }
    }

    /** One pass of prepare → transmit → commit. */
    private byte[] once(Space space, byte[] command, int code) {
        resync.ifNeeded(space);
        try {
            PreparedCommand prepared = preparer.prepare(space, command, code);
            if (prepared.answer != null) {
                return prepared.answer;
            }
            byte[] response = swapper.sendMakingRoom(space, prepared.toSend(), prepared.serial);   // transmit
            committer.commit(space, prepared, response);
            if (options.swapping() == Swapping.EAGER) {
                swapper.swapOutEverything(space, prepared.serial);
            }
            return response;
        } catch (Refusal refusal) {
            space.count(Counters.Event.REFUSAL);
            log.debug("{}: {} refused with {}: {}", space.name(), TpmCc.describe(code),
                    new ResponseCode(refusal.responseCode()), refusal.getMessage());
            return refusal.response();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Closing spaces.

    /** Flushes everything the space owns; after removal, only forgets it. Idempotent. */
    void close(Space space) {
        // An interrupted thread must still be able to release what its space holds; the flag is restored below.
        boolean interrupted = Thread.interrupted();
        chip.lockCommands(space.flow, 0);
        try {
            if (!space.markClosed()) {
                return;
            }
            spaces.remove(space);
            for (TrackedObject object : space.objects()) {
                if (object.loaded()) {
                    flushQuietly(space, object.physicalHandle());
                }
                tracker.forget(object);
            }
            for (TrackedSession session : space.sessions()) {
                flushQuietly(space, session.handle());
                tracker.drop(session);
            }
            // Sessions it saved stay for whoever holds their blobs (tpm2-abrmd's rule), bounded.
            if (chip.isRemoved()) {
                space.savedSessions().forEach(tracker::drop);
            } else {
                abandonQuietly(space);
            }
            log.debug("{}: closed; {}", space.name(), space.counters());
        } finally {
            chip.unlockCommands();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void abandonQuietly(Space space) {
        try {
            sessionBudget.abandonSavedBy(space);
        } catch (TpmException e) {
            log.debug("{}: flushing abandoned sessions on close failed: {}", space.name(), e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // For tests: what the RM believes, and whether its records agree with each other.

    /** The TPM handles the RM believes it holds: loaded objects and every session. */
    List<Integer> handlesInTpm() {
        chip.lockCommands(0);
        try {
            return tracker.handlesInTpm();
        } finally {
            chip.unlockCommands();
        }
    }

    /** What is inconsistent in the RM's tracking; empty when its records agree. */
    List<String> trackingInconsistencies() {
        chip.lockCommands(0);
        try {
            return tracker.inconsistencies(spaces);
        } finally {
            chip.unlockCommands();
        }
    }

    private void flushQuietly(Space space, int handle) {
        if (chip.isRemoved()) {
            return;
        }
        try {
            link.flush(space, handle);
        } catch (TpmException e) {
            log.debug("{}: flushing 0x{} on close failed: {}", space.name(), Integer.toHexString(handle),
                    e.toString());
        }
    }
}
