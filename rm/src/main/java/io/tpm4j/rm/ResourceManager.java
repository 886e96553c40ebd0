package io.tpm4j.rm;

import io.tpm4j.api.RetryPolicy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.CommandAttributes;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmSt;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Shares one TPM between any number of {@link Space}s, each of which sees a TPM of its own: its transient
 * objects under virtual handles, its sessions, nothing of the others'. Objects and sessions are swapped in and
 * out with TPM2_ContextSave / TPM2_ContextLoad / TPM2_FlushContext as the TPM's few slots require.
 *
 * <p>Every client command goes prepare → transmit → commit, driven by the TPM's own command-attribute table:
 * <b>prepare</b> parses it, refuses what the space may not name (answering in the resource-manager layer
 * without touching the TPM), makes sure every object and session it names is loaded and translates their
 * handles; <b>transmit</b> sends it to the chip; <b>commit</b> records what the command created or flushed,
 * gives new objects virtual handles and applies the swapping policy.
 *
 * <p>With {@link Swapping#LAZY} (the default) objects and sessions stay loaded until the TPM runs short of
 * slots, then the least recently used are swapped out: with no contention each client command costs exactly
 * one TPM command. {@link Swapping#EAGER} is the Linux kernel's policy (everything saved after every command),
 * for comparison. Sessions that clients save and never load again are bounded, and the oldest saved session is
 * re-saved before the TPM's context counter gets too far ahead of it (TPM_RC_CONTEXT_GAP).
 *
 * <p>Thread-safe: commands from all spaces reach the TPM one at a time, in arrival order. Set the logger
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
     * layer with TPM_RC_OBJECT_MEMORY or TPM_RC_SESSION_MEMORY); {@code maxAbandonedSessions} bounds the
     * sessions clients context-saved and did not load again (the oldest is flushed beyond it); {@code retries}
     * says which TPM warnings the RM answers by sending the command again.
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

    /** Virtual handles are drawn from the upper half of the transient range, so they never look like the TPM's. */
    private static final int FIRST_VIRTUAL = 0x8080_0000;
    private static final int LAST_VIRTUAL = 0x80FF_FFFF;
    /** TPM_CAP_HANDLES answers hold at most this many handles (MAX_CAP_BUFFER 1024 less the list header). */
    private static final int MAX_CAP_HANDLES = 254;
    private static final int SESSION_RANGE = 0x00FF_FFFF;
    /** TPMS_CONTEXT.savedHandle of a sequence object (Part 2, TPMS_CONTEXT). */
    private static final int SEQUENCE_CONTEXT = 0x8000_0001;

    private final TpmChip chip;
    private final Options options;
    private final Map<Integer, CommandAttributes> commandTable;
    private final int objectSlots;
    private final int sessionSlots;
    private final long contextGapMax;
    private final int maxCommandSize;

    // Everything below is guarded by the chip's command lock.
    private final List<TrackedObject> loadedObjects = new ArrayList<>();
    private final Map<Integer, TrackedSession> sessions = new HashMap<>();
    private final Set<Space> spaces = new LinkedHashSet<>();
    private final Counters counters = new Counters();
    /** Stands for the RM itself in the counts of work no client asked for (flushing abandoned sessions at close). */
    private final Space housekeeping = new Space(this, "resource manager");
    private int nextVirtual = FIRST_VIRTUAL;
    private int nextSpaceId = 1;
    private long clock;
    private long serial;
    private long newestSessionSequence;
    private boolean ungapping;
    /** Set when a command's outcome is unknown (timeout, broken framing): the next command first re-reads the TPM. */
    private boolean resyncNeeded;

    private ResourceManager(TpmChip chip, Options options, Map<Integer, CommandAttributes> commandTable,
                            Map<Integer, Integer> properties) {
        this.chip = chip;
        this.options = options;
        this.commandTable = commandTable;
        this.objectSlots = Math.max(2, properties.getOrDefault(TpmPt.HR_TRANSIENT_MIN.value(), 3));
        this.sessionSlots = Math.max(1, properties.getOrDefault(TpmPt.HR_LOADED_MIN.value(), 3));
        this.contextGapMax = Integer.toUnsignedLong(properties.getOrDefault(TpmPt.CONTEXT_GAP_MAX.value(), 0xFF));
        this.maxCommandSize = properties.getOrDefault(TpmPt.MAX_COMMAND_SIZE.value(), 4096);
    }

    /** A resource manager with {@link Options#defaults()} over {@code chip}. */
    public static ResourceManager over(TpmChip chip) {
        return over(chip, Options.defaults());
    }

    /**
     * A resource manager over {@code chip}: starts the TPM if nobody has (TPM2_Startup(CLEAR)), then reads its
     * command-attribute table and the limits it works with (loaded objects and sessions, context gap, command
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
        tpm.startupIfNeeded();
        Map<Integer, CommandAttributes> table = new HashMap<>();
        for (CommandAttributes attributes : tpm.commands()) {
            table.put(attributes.commandCode(), attributes);
        }
        ResourceManager rm = new ResourceManager(chip, options, Map.copyOf(table), tpm.allProperties());
        chip.claim(rm);
        log.debug("{}: resource manager over {} commands, {} object and {} session slots, context gap {}, {}",
                chip.name(), table.size(), rm.objectSlots, rm.sessionSlots, rm.contextGapMax, options);
        return rm;
    }

    public TpmChip chip() {
        return chip;
    }

    public Options options() {
        return options;
    }

    /** A new space: an empty view of the TPM for one client. */
    public Space openSpace(String name) {
        Objects.requireNonNull(name, "name");
        chip.lockCommands(0);
        try {
            Space space = new Space(this, name + "#" + nextSpaceId++);
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
                for (TrackedSession session : List.copyOf(sessions.values())) {
                    flushQuietly(housekeeping, session.handle);
                    dropSession(session);
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
        chip.lockCommands(code);
        try {
            space.checkOpen();
            chip.checkPresent();
            counters.clientCommands++;
            space.counters.clientCommands++;
            for (int attempt = 1; ; attempt++) {
                byte[] response = once(space, command, code);
                int rc = CommandFrame.u32(response, 6);
                if (!options.retries().shouldRetry(rc, attempt)) {
                    return response;
                }
                Duration delay = options.retries().delayAfter(attempt);
                log.debug("{}: {} answered {}; sending it again in {} ms", space.name(), TpmCc.describe(code),
                        new ResponseCode(rc), delay.toMillis());
                // Other spaces go on while this one waits; whatever they swap, prepare runs again.
                chip.unlockCommands();
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    chip.lockCommands(code);
                    return response;
                }
                chip.lockCommands(code);
                space.checkOpen();
                chip.checkPresent();
            }
        } finally {
            chip.unlockCommands();
        }
    }

    /** One pass of prepare → transmit → commit. */
    private byte[] once(Space space, byte[] command, int code) {
        if (resyncNeeded) {
            resync(space);
        }
        CommandAttributes attributes = commandTable.get(code);
        try {
            if (attributes == null) {
                throw new Refusal(TpmRc.COMMAND_CODE, TpmCc.describe(code) + " is not in the TPM's command table");
            }
            if (command.length > maxCommandSize) {
                throw new Refusal(TpmRc.COMMAND_SIZE, TpmCc.describe(code) + " is " + command.length
                        + " bytes; the TPM takes at most " + maxCommandSize);
            }
            Prepared prepared = prepare(space, CommandFrame.parse(command, code, attributes));
            if (prepared.answer != null) {
                return prepared.answer;
            }
            byte[] response = transmit(space, prepared);
            commit(space, prepared, response);
            if (options.swapping() == Swapping.EAGER) {
                swapOutEverything(space);
            }
            return response;
        } catch (Refusal refusal) {
            counters.refusals++;
            space.counters.refusals++;
            log.debug("{}: {} refused with {}: {}", space.name(), TpmCc.describe(code),
                    new ResponseCode(refusal.responseCode()), refusal.getMessage());
            return refusal.response();
        }
    }

    /** A command ready for the TPM: its bytes with handles translated, and what it names. */
    private static final class Prepared {
        final CommandFrame frame;
        final long serial;
        final byte[] bytes;
        final TrackedObject[] handleObjects;
        final TrackedSession[] handleSessions;
        final TrackedSession[] authSessions = new TrackedSession[CommandFrame.MAX_SESSIONS];
        /** FlushContext's target. */
        TrackedObject flushObject;
        TrackedSession flushSession;
        /** ContextLoad of a session blob: the session it names, when the RM knows it. */
        TrackedSession loadedSession;
        boolean loadsSession;
        /** The command as sent when the RM put its own newer context into a ContextLoad. */
        byte[] substituted;
        /** Set when the RM answers the command itself. */
        byte[] answer;

        Prepared(CommandFrame frame, long serial) {
            this.frame = frame;
            this.serial = serial;
            this.bytes = frame.bytes.clone();
            this.handleObjects = new TrackedObject[frame.handleCount()];
            this.handleSessions = new TrackedSession[frame.handleCount()];
        }

        int code() {
            return frame.code;
        }
    }

    private Prepared prepare(Space space, CommandFrame frame) throws Refusal {
        Prepared p = new Prepared(frame, ++serial);
        for (int i = 0; i < frame.handleCount(); i++) {
            int handle = frame.handle(i);
            if (TpmHt.TRANSIENT.contains(handle)) {
                p.handleObjects[i] = ownObject(space, handle, i + 1);
            } else if (isSession(handle)) {
                p.handleSessions[i] = ownSession(space, handle, Position.HANDLE, i + 1);
            }
        }
        for (int i = 0; i < frame.sessionCount; i++) {
            int handle = frame.sessionHandles[i];
            if (handle == Authorization.TPM_RS_PW) {
                continue;
            }
            if (!isSession(handle)) {
                throw Refusal.session(TpmRc.HANDLE, i + 1, String.format("0x%08x is not a session handle", handle));
            }
            p.authSessions[i] = ownSession(space, handle, Position.SESSION, i + 1);
        }
        if (frame.code == TpmCc.STARTUP.value()) {
            // The RM started the TPM; a running machine's TPM answers a second Startup this way.
            log.debug("{}: TPM2_Startup answered TPM_RC_INITIALIZE: the TPM is running", space.name());
            p.answer = TpmHeader.headerOnlyResponse(TpmRc.INITIALIZE.value());
        } else if (frame.code == TpmCc.SHUTDOWN.value()) {
            // Virtualised: a shared TPM's power cycle is not one client's to prepare; the client gets success.
            log.debug("{}: TPM2_Shutdown answered locally; the shared TPM keeps running", space.name());
            p.answer = success();
        } else if (frame.code == TpmCc.FLUSH_CONTEXT.value()) {
            prepareFlush(space, p);
        } else if (frame.code == TpmCc.CONTEXT_LOAD.value()) {
            prepareContextLoad(space, p);
        } else if (frame.code == TpmCc.GET_CAPABILITY.value()) {
            prepareGetCapability(space, p);
        }
        if (p.answer != null) {
            return p;
        }
        if (frame.attributes.responseHandle() && frame.code != TpmCc.CONTEXT_LOAD.value()) {
            if (frame.code == TpmCc.START_AUTH_SESSION.value()) {
                checkSessionQuota(space);
            } else {
                checkObjectQuota(space);
            }
        }
        makeLoaded(space, p);
        return p;
    }

    private enum Position { HANDLE, SESSION, PARAMETER }

    private static Refusal refusal(Position position, int n, String reason) {
        return switch (position) {
            case HANDLE -> Refusal.handle(TpmRc.HANDLE, n, reason);
            case SESSION -> Refusal.session(TpmRc.HANDLE, n, reason);
            case PARAMETER -> Refusal.parameter(TpmRc.HANDLE, n, reason);
        };
    }

    private TrackedObject ownObject(Space space, int virtualHandle, int n) throws Refusal {
        TrackedObject object = space.objects.get(virtualHandle);
        if (object == null) {
            throw Refusal.handle(TpmRc.HANDLE, n, String.format("%s has no object 0x%08x", space.name(),
                    virtualHandle));
        }
        return object;
    }

    private TrackedSession ownSession(Space space, int handle, Position position, int n) throws Refusal {
        TrackedSession session = sessions.get(handle);
        if (session == null || session.owner != space) {
            throw refusal(position, n, String.format("%s has no session 0x%08x", space.name(), handle));
        }
        return session;
    }

    private static boolean isSession(int handle) {
        return TpmHt.HMAC_SESSION.contains(handle) || TpmHt.POLICY_SESSION.contains(handle);
    }

    /** FlushContext names its object or session in a parameter, which must be translated or refused like a handle. */
    private void prepareFlush(Space space, Prepared p) throws Refusal {
        CommandFrame frame = p.frame;
        if (frame.parameterBytes() < 4) {
            throw new Refusal(TpmRc.INSUFFICIENT, "TPM2_FlushContext without its flushHandle");
        }
        int handle = CommandFrame.u32(frame.bytes, frame.parametersOffset);
        if (TpmHt.TRANSIENT.contains(handle)) {
            TrackedObject object = space.objects.get(handle);
            if (object == null) {
                throw Refusal.parameter(TpmRc.HANDLE, 1, String.format("%s has no object 0x%08x to flush",
                        space.name(), handle));
            }
            if (!object.loaded()) {
                // Swapped out: forgetting the saved context is the whole flush.
                forget(object);
                p.answer = success();
                return;
            }
            p.flushObject = object;
        } else if (isSession(handle)) {
            p.flushSession = ownSession(space, handle, Position.PARAMETER, 1);
        }
    }

    /**
     * ContextLoad of a session: only a session nobody owns may be loaded, and when a client loads the context it
     * got from its own ContextSave, the RM loads its newer copy (re-saved to close the context gap) instead.
     */
    private void prepareContextLoad(Space space, Prepared p) throws Refusal {
        CommandFrame frame = p.frame;
        int at = frame.parametersOffset;
        if (frame.parameterBytes() < 8 + 4 + 4 + 2) {
            throw new Refusal(TpmRc.INSUFFICIENT, "TPM2_ContextLoad with a truncated TPMS_CONTEXT");
        }
        int savedHandle = CommandFrame.u32(frame.bytes, at + 8);
        if (!isSession(savedHandle)) {
            checkObjectQuota(space);
            return;
        }
        p.loadsSession = true;
        TrackedSession session = sessions.get(savedHandle);
        if (session != null && session.state != TrackedSession.State.CLIENT_SAVED) {
            throw Refusal.parameter(TpmRc.HANDLE, 1, String.format("session 0x%08x is %s, not a saved "
                    + "session %s may load", savedHandle, session.owner == space ? "its own and loaded"
                    : "another space's", space.name()));
        }
        checkSessionQuota(space);
        if (session != null) {
            byte[] offered = Arrays.copyOfRange(frame.bytes, at, frame.bytes.length);
            if (Arrays.equals(offered, session.clientContext)) {
                p.loadedSession = session;
            }
        }
    }

    /** TPM_CAP_HANDLES for transient objects and sessions is answered from the space's own view. */
    private void prepareGetCapability(Space space, Prepared p) throws Refusal {
        CommandFrame frame = p.frame;
        if (frame.parameterBytes() < 12) {
            return;
        }
        int capability = CommandFrame.u32(frame.bytes, frame.parametersOffset);
        int property = CommandFrame.u32(frame.bytes, frame.parametersOffset + 4);
        long count = Integer.toUnsignedLong(CommandFrame.u32(frame.bytes, frame.parametersOffset + 8));
        int type = property >>> 24;
        if (capability != TpmCap.HANDLES.value() || (type != TpmHt.TRANSIENT.value()
                && type != TpmHt.HMAC_SESSION.value() && type != TpmHt.POLICY_SESSION.value())) {
            return;
        }
        if (frame.sessionCount > 0) {
            throw new Refusal(TpmRc.AUTH_CONTEXT, "the RM answers TPM_CAP_HANDLES for transient objects and "
                    + "sessions itself and cannot audit that answer; send it without sessions");
        }
        List<Integer> handles = visibleHandles(space, type, property);
        int n = (int) Math.min(Math.min(count, MAX_CAP_HANDLES), handles.size());
        TpmWriter out = new TpmWriter(19 + 4 * n).u16(TpmSt.NO_SESSIONS.value()).u32(0).u32(0)
                .u8(handles.size() > n ? 1 : 0).u32(TpmCap.HANDLES.value()).u32(n);
        for (int i = 0; i < n; i++) {
            out.u32(handles.get(i));
        }
        p.answer = out.u32At(2, out.size()).toByteArray();
    }

    /** The handles of one range that the space may see, in the order a TPM lists them. */
    private List<Integer> visibleHandles(Space space, int type, int property) {
        List<Integer> handles = new ArrayList<>();
        if (type == TpmHt.TRANSIENT.value()) {
            for (int handle : space.objects.keySet()) {
                if (Integer.compareUnsigned(handle, property) >= 0) {
                    handles.add(handle);
                }
            }
            handles.sort(Integer::compareUnsigned);
            return handles;
        }
        // TPM_HT_LOADED_SESSION (0x02) lists sessions a client has loaded, TPM_HT_SAVED_SESSION (0x03) those it
        // saved, whatever their kind; the RM's own swapping is invisible.
        boolean loaded = type == TpmHt.HMAC_SESSION.value();
        for (TrackedSession session : sessions.values()) {
            boolean visible = loaded ? session.owner == space
                    : session.state == TrackedSession.State.CLIENT_SAVED && session.savedBy == space;
            if (visible && (session.handle & SESSION_RANGE) >= (property & SESSION_RANGE)) {
                handles.add(session.handle);
            }
        }
        handles.sort(Comparator.comparingInt(h -> h & SESSION_RANGE));
        return handles;
    }

    private void checkObjectQuota(Space space) throws Refusal {
        if (space.objects.size() >= options.maxObjectsPerSpace()) {
            log.info("{}: refused a new object: the space holds {} objects, its quota", space.name(),
                    space.objects.size());
            throw new Refusal(TpmRc.OBJECT_MEMORY, space.name() + " already holds " + space.objects.size()
                    + " objects, its quota; flush one first");
        }
    }

    private void checkSessionQuota(Space space) throws Refusal {
        int owned = space.sessions.size();
        if (owned >= options.maxSessionsPerSpace()) {
            log.info("{}: refused a new session: the space holds {} sessions, its quota", space.name(), owned);
            throw new Refusal(TpmRc.SESSION_MEMORY, space.name() + " already holds " + owned
                    + " sessions, its quota; flush one first");
        }
    }

    /** Loads everything the command names, frees a slot for what it creates, and translates object handles. */
    private void makeLoaded(Space space, Prepared p) throws Refusal {
        long now = ++clock;
        for (TrackedObject object : p.handleObjects) {
            if (object != null) {
                object.pinnedFor = p.serial;
                object.lastUse = now;
            }
        }
        if (p.flushObject != null) {
            p.flushObject.pinnedFor = p.serial;
        }
        for (TrackedSession session : p.handleSessions) {
            pin(session, p.serial, now);
        }
        for (TrackedSession session : p.authSessions) {
            pin(session, p.serial, now);
        }
        pin(p.flushSession, p.serial, now);
        for (int i = 0; i < p.handleSessions.length; i++) {
            loadOrRefuse(space, p.handleSessions[i], p.serial, Position.HANDLE, i + 1);
        }
        for (int i = 0; i < p.authSessions.length; i++) {
            loadOrRefuse(space, p.authSessions[i], p.serial, Position.SESSION, i + 1);
        }
        for (int i = 0; i < p.handleObjects.length; i++) {
            TrackedObject object = p.handleObjects[i];
            if (object == null) {
                continue;
            }
            if (!object.loaded()) {
                makeRoomForObject(space, p.serial);
                int rc = loadObject(space, object, p.serial);
                if (rc != 0) {
                    throw unloadable(space, object.toString(), rc, Position.HANDLE, i + 1);
                }
            }
            CommandFrame.putU32(p.bytes, CommandFrame.handleOffset(i), object.physicalHandle);
        }
        if (p.flushObject != null) {
            CommandFrame.putU32(p.bytes, p.frame.parametersOffset, p.flushObject.physicalHandle);
        }
        if (p.frame.attributes.responseHandle()) {
            if (p.code() == TpmCc.START_AUTH_SESSION.value() || p.loadsSession) {
                makeRoomForSession(space, p.serial);
            } else {
                makeRoomForObject(space, p.serial);
            }
        }
        if (p.loadedSession != null) {
            // The RM's copy may be newer than the client's (re-saved against the context gap).
            byte[] context = p.loadedSession.savedContext;
            byte[] bytes = new byte[p.frame.parametersOffset + context.length];
            System.arraycopy(p.bytes, 0, bytes, 0, p.frame.parametersOffset);
            System.arraycopy(context, 0, bytes, p.frame.parametersOffset, context.length);
            CommandFrame.putU32(bytes, 2, bytes.length);
            p.substituted = bytes;
        }
    }

    private static void pin(TrackedSession session, long serial, long now) {
        if (session != null) {
            session.pinnedFor = serial;
            session.lastUse = now;
        }
    }

    private void loadOrRefuse(Space space, TrackedSession session, long serial, Position position, int n)
            throws Refusal {
        if (session == null || session.state == TrackedSession.State.LOADED) {
            return;
        }
        makeRoomForSession(space, serial);
        int rc = loadSession(space, session, serial);
        if (rc != 0) {
            throw unloadable(space, session.toString(), rc, position, n);
        }
    }

    /**
     * An entity that did not load: a warning (no room even after swapping) goes to the client as that code from
     * the RM; an error means the context is gone for good (say, its hierarchy was cleared) and the entity with it.
     */
    private static Refusal unloadable(Space space, String entity, int rc, Position position, int n) {
        ResponseCode code = new ResponseCode(rc);
        if (code.isWarning()) {
            return Refusal.ofCode(code.baseCode(), space.name() + ": " + entity + " could not be loaded: " + code);
        }
        return refusal(position, n, space.name() + ": " + entity + " could not be brought back (" + code
                + "); it is gone");
    }

    private byte[] transmit(Space space, Prepared p) {
        return sendMakingRoom(space, p.substituted != null ? p.substituted : p.bytes, p.serial);
    }

    /**
     * Sends a command; when the TPM says it has no room (objects or sessions the RM does not know about take
     * slots too) or the context gap is reached, swaps out the least recently used entity not pinned for
     * {@code serial}, or re-saves the oldest session, and sends it again, a bounded number of times.
     */
    private byte[] sendMakingRoom(Space space, byte[] command, long serial) {
        for (int tries = 0; ; tries++) {
            byte[] response = tpm(space, command);
            int rc = CommandFrame.u32(response, 6);
            boolean retry = false;
            if (tries < objectSlots + sessionSlots + 2) {
                if (rc == TpmRc.OBJECT_MEMORY.value()) {
                    retry = evictLeastRecentObject(space, serial);
                } else if (rc == TpmRc.SESSION_MEMORY.value()) {
                    retry = evictLeastRecentSession(space, serial);
                } else if (rc == TpmRc.CONTEXT_GAP.value() && options.avoidContextGap() && !ungapping) {
                    retry = resaveOldestSession(space, serial);
                }
            }
            if (!retry) {
                return response;
            }
            log.debug("{}: {} answered {}; made room and sending it again", space.name(),
                    TpmCc.describe(CommandFrame.u32(command, 6)), new ResponseCode(rc));
        }
    }

    /** Records what the command did: new objects and sessions, flushed ones, saved sessions; rewrites handles. */
    private void commit(Space space, Prepared p, byte[] response) {
        int rc = CommandFrame.u32(response, 6);
        CommandFrame frame = p.frame;
        if (rc != 0) {
            return;
        }
        long now = ++clock;
        if (frame.attributes.flushed()) {
            for (TrackedObject object : p.handleObjects) {
                if (object != null) {
                    dropLoaded(object);
                }
            }
        }
        for (int i = 0; i < frame.sessionCount; i++) {
            TrackedSession session = p.authSessions[i];
            if (session != null && !frame.continueSession[i]) {
                // continueSession clear: the TPM flushed the session when the command succeeded.
                dropSession(session);
            }
        }
        if (p.code() == TpmCc.FLUSH_CONTEXT.value()) {
            counters.flushes++;
            space.counters.flushes++;
            if (p.flushObject != null) {
                dropLoaded(p.flushObject);
            }
            if (p.flushSession != null) {
                dropSession(p.flushSession);
            }
        } else if (p.code() == TpmCc.CONTEXT_SAVE.value() && p.handleSessions[0] != null) {
            clientSaved(space, p.handleSessions[0], response);
        }
        if (frame.attributes.responseHandle() && response.length >= TpmHeader.SIZE + 4) {
            int handle = CommandFrame.u32(response, TpmHeader.SIZE);
            if (TpmHt.TRANSIENT.contains(handle)) {
                TrackedObject object = new TrackedObject(space, newVirtualHandle(space), handle, createsSequence(p));
                object.lastUse = now;
                space.objects.put(object.virtualHandle, object);
                loadedObjects.add(object);
                CommandFrame.putU32(response, TpmHeader.SIZE, object.virtualHandle);
            } else if (isSession(handle)) {
                TrackedSession session = p.loadedSession != null ? p.loadedSession : sessions.get(handle);
                if (session == null) {
                    session = new TrackedSession(handle, space);
                    sessions.put(handle, session);
                }
                session.owner = space;
                session.state = TrackedSession.State.LOADED;
                session.savedContext = null;
                session.clientContext = null;
                session.savedBy = null;
                session.lastUse = now;
                space.sessions.add(session);
            }
        }
        if (frame.attributes.extensive()) {
            // TPM2_Clear and friends may flush objects: find out which of ours are still there.
            resyncObjects(space);
        }
    }

    /** Whether the object a command creates is a sequence (its context changes while it is loaded). */
    private static boolean createsSequence(Prepared p) {
        int code = p.code();
        if (code == TpmCc.CONTEXT_LOAD.value()) {
            // TPMS_CONTEXT.savedHandle: 0x80000001 marks a sequence object's context.
            return CommandFrame.u32(p.frame.bytes, p.frame.parametersOffset + 8) == SEQUENCE_CONTEXT;
        }
        // HMAC_Start and MAC_Start share one command code.
        return code == TpmCc.HASH_SEQUENCE_START.value() || code == TpmCc.HMAC_START.value();
    }

    /** A client's ContextSave of its session: the session leaves the space, the RM keeps a copy of its context. */
    private void clientSaved(Space space, TrackedSession session, byte[] response) {
        byte[] context = Arrays.copyOfRange(response, TpmHeader.SIZE, response.length);
        space.sessions.remove(session);
        session.owner = null;
        session.savedBy = space;
        session.state = TrackedSession.State.CLIENT_SAVED;
        session.savedContext = context;
        session.clientContext = context;
        session.lastUse = ++clock;
        sessionSaved(space, CommandFrame.u64(context, 0));
        boundAbandonedSessions(space);
    }

    private void boundAbandonedSessions(Space space) {
        List<TrackedSession> abandoned = new ArrayList<>();
        for (TrackedSession session : sessions.values()) {
            if (session.state == TrackedSession.State.CLIENT_SAVED) {
                abandoned.add(session);
            }
        }
        if (abandoned.size() <= options.maxAbandonedSessions()) {
            return;
        }
        abandoned.sort(Comparator.comparingLong(s -> s.lastUse));
        for (TrackedSession oldest : abandoned.subList(0, abandoned.size() - options.maxAbandonedSessions())) {
            log.debug("{}: flushing {}: more than {} sessions were saved by clients and not loaded again",
                    space.name(), oldest, options.maxAbandonedSessions());
            flush(space, oldest.handle);
            sessions.remove(oldest.handle);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Swapping.

    private void makeRoomForObject(Space space, long serial) {
        while (loadedObjects.size() >= objectSlots && evictLeastRecentObject(space, serial)) {
            // Each pass frees one slot or stops.
        }
    }

    private void makeRoomForSession(Space space, long serial) {
        while (loadedSessionCount() >= sessionSlots && evictLeastRecentSession(space, serial)) {
            // Each pass frees one slot or stops.
        }
    }

    private int loadedSessionCount() {
        int n = 0;
        for (TrackedSession session : sessions.values()) {
            if (session.state == TrackedSession.State.LOADED) {
                n++;
            }
        }
        return n;
    }

    private boolean evictLeastRecentObject(Space space, long serial) {
        TrackedObject victim = leastRecent(loadedObjects, o -> o.pinnedFor == serial ? Long.MAX_VALUE : o.lastUse);
        if (victim == null || victim.pinnedFor == serial) {
            return false;
        }
        counters.evictions++;
        space.counters.evictions++;
        log.debug("{}: swapping out {}", space.name(), victim);
        return swapOut(space, victim);
    }

    private boolean evictLeastRecentSession(Space space, long serial) {
        List<TrackedSession> loaded = new ArrayList<>();
        for (TrackedSession session : sessions.values()) {
            if (session.state == TrackedSession.State.LOADED && session.pinnedFor != serial) {
                loaded.add(session);
            }
        }
        TrackedSession victim = leastRecent(loaded, s -> s.lastUse);
        if (victim == null) {
            return false;
        }
        counters.evictions++;
        space.counters.evictions++;
        log.debug("{}: swapping out {}", space.name(), victim);
        return swapOut(space, victim);
    }

    private static <T> T leastRecent(List<T> candidates, ToLongFunction<T> age) {
        T best = null;
        long bestAge = Long.MAX_VALUE;
        for (T candidate : candidates) {
            long a = age.applyAsLong(candidate);
            if (best == null || a < bestAge) {
                best = candidate;
                bestAge = a;
            }
        }
        return best;
    }

    /**
     * ContextSave + FlushContext, or only the flush when the object's earlier context is still valid; an object
     * that is already gone is forgotten (a normal outcome).
     */
    private boolean swapOut(Space space, TrackedObject object) {
        if (object.savedContext != null) {
            flush(space, object.physicalHandle);
            loadedObjects.remove(object);
            object.physicalHandle = TrackedObject.NOT_LOADED;
            return true;
        }
        byte[] response = tpm(space, handleCommand(TpmCc.CONTEXT_SAVE, object.physicalHandle));
        int rc = CommandFrame.u32(response, 6);
        counters.contextSaves++;
        space.counters.contextSaves++;
        if (rc != 0) {
            log.debug("{}: saving {} failed with {}; forgetting it", space.name(), object, new ResponseCode(rc));
            flush(space, object.physicalHandle);
            forget(object);
            return true;
        }
        // Kept before the flush: if the flush's outcome is lost, the resync still finds the object swapped out.
        object.savedContext = Arrays.copyOfRange(response, TpmHeader.SIZE, response.length);
        flush(space, object.physicalHandle);
        loadedObjects.remove(object);
        object.physicalHandle = TrackedObject.NOT_LOADED;
        return true;
    }

    /** ContextSave alone frees a session's slot; the session keeps its handle. */
    private boolean swapOut(Space space, TrackedSession session) {
        byte[] response = saveContext(space, session.handle);
        int rc = CommandFrame.u32(response, 6);
        if (rc == TpmRc.CONTEXT_GAP.value() && options.avoidContextGap() && resaveOldestSession(space, -1)) {
            if (session.state != TrackedSession.State.LOADED) {
                // The re-save needed a slot and swapped this very session out (or lost it): nothing left to do.
                return true;
            }
            response = saveContext(space, session.handle);
            rc = CommandFrame.u32(response, 6);
        }
        if (rc == TpmRc.CONTEXT_GAP.value()) {
            log.debug("{}: saving {} failed with {}; it stays loaded", space.name(), session, new ResponseCode(rc));
            return false;
        }
        if (rc != 0) {
            log.debug("{}: saving {} failed with {}; forgetting it", space.name(), session, new ResponseCode(rc));
            dropSession(session);
            return true;
        }
        session.state = TrackedSession.State.SAVED;
        session.savedContext = Arrays.copyOfRange(response, TpmHeader.SIZE, response.length);
        session.sequence = CommandFrame.u64(session.savedContext, 0);
        sessionSaved(space, session.sequence);
        return true;
    }

    private byte[] saveContext(Space space, int handle) {
        counters.contextSaves++;
        space.counters.contextSaves++;
        return tpm(space, handleCommand(TpmCc.CONTEXT_SAVE, handle));
    }

    /** Returns 0, or the TPM's code when the context does not load (the object is then forgotten). */
    private int loadObject(Space space, TrackedObject object, long serial) {
        byte[] response = loadContext(space, object.savedContext, serial);
        int rc = CommandFrame.u32(response, 6);
        if (rc != 0) {
            if (!new ResponseCode(rc).isWarning()) {
                forget(object);
            }
            return rc;
        }
        object.physicalHandle = CommandFrame.u32(response, TpmHeader.SIZE);
        if (object.sequence || options.swapping() == Swapping.EAGER) {
            // The kernel's policy saves every time; a sequence's context is stale once it is updated.
            object.savedContext = null;
        }
        loadedObjects.add(object);
        return 0;
    }

    private int loadSession(Space space, TrackedSession session, long serial) {
        byte[] response = loadContext(space, session.savedContext, serial);
        int rc = CommandFrame.u32(response, 6);
        if (rc != 0) {
            if (!new ResponseCode(rc).isWarning()) {
                dropSession(session);
            }
            return rc;
        }
        session.state = TrackedSession.State.LOADED;
        session.savedContext = null;
        return 0;
    }

    private byte[] loadContext(Space space, byte[] context, long serial) {
        counters.contextLoads++;
        space.counters.contextLoads++;
        byte[] command = new TpmWriter(TpmHeader.SIZE + context.length).u16(TpmSt.NO_SESSIONS.value())
                .u32(TpmHeader.SIZE + context.length).u32(TpmCc.CONTEXT_LOAD.value()).bytes(context).toByteArray();
        return sendMakingRoom(space, command, serial);
    }

    private void swapOutEverything(Space space) {
        for (TrackedObject object : List.copyOf(loadedObjects)) {
            swapOut(space, object);
        }
        for (TrackedSession session : List.copyOf(sessions.values())) {
            if (session.state == TrackedSession.State.LOADED) {
                swapOut(space, session);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The context gap.

    /** Called after every session save the RM sees; re-saves the oldest saved session before the gap is reached. */
    private void sessionSaved(Space space, long sequence) {
        newestSessionSequence = Math.max(newestSessionSequence, sequence);
        if (!options.avoidContextGap() || ungapping) {
            return;
        }
        for (int i = 0; i < 4; i++) {
            TrackedSession oldest = oldestSavedSession();
            if (oldest == null || newestSessionSequence - oldest.sequence < contextGapMax / 2) {
                return;
            }
            if (!resave(space, oldest, -1)) {
                return;
            }
        }
    }

    private TrackedSession oldestSavedSession() {
        TrackedSession oldest = null;
        for (TrackedSession session : sessions.values()) {
            if (session.state != TrackedSession.State.LOADED && session.savedContext != null
                    && (oldest == null || session.sequence < oldest.sequence)) {
                oldest = session;
            }
        }
        return oldest;
    }

    private boolean resaveOldestSession(Space space, long serial) {
        TrackedSession oldest = oldestSavedSession();
        return oldest != null && resave(space, oldest, serial);
    }

    /**
     * Loads a saved session and saves it again, giving it the newest context sequence; a client-saved session
     * keeps the bytes its client holds, and the RM loads the new context when the client presents them.
     */
    private boolean resave(Space space, TrackedSession session, long serial) {
        if (ungapping) {
            // A gap met while a re-save is under way (saving a session to make room for it): a second re-save
            // inside the first would load and save what the first is still working on. The first goes on.
            return false;
        }
        ungapping = true;
        try {
            makeRoomForSession(space, serial);
            byte[] loaded = loadContext(space, session.savedContext, serial);
            int rc = CommandFrame.u32(loaded, 6);
            if (rc != 0) {
                log.debug("{}: could not load {} to re-save it ({}); forgetting it", space.name(), session,
                        new ResponseCode(rc));
                if (session.owner != null) {
                    session.owner.sessions.remove(session);
                }
                sessions.remove(session.handle);
                return true;
            }
            byte[] saved = saveContext(space, session.handle);
            rc = CommandFrame.u32(saved, 6);
            if (rc != 0) {
                log.warn("{}: {} was loaded to close the context gap but could not be saved again ({})",
                        space.name(), session, new ResponseCode(rc));
                session.state = session.owner != null ? TrackedSession.State.LOADED : session.state;
                return false;
            }
            long before = session.sequence;
            session.savedContext = Arrays.copyOfRange(saved, TpmHeader.SIZE, saved.length);
            session.sequence = CommandFrame.u64(session.savedContext, 0);
            newestSessionSequence = Math.max(newestSessionSequence, session.sequence);
            log.debug("{}: re-saved {} to close the context gap (sequence {} -> {})", space.name(), session,
                    before, session.sequence);
            return true;
        } finally {
            ungapping = false;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Bookkeeping.

    private int newVirtualHandle(Space space) {
        while (true) {
            int handle = nextVirtual;
            nextVirtual = handle == LAST_VIRTUAL ? FIRST_VIRTUAL : handle + 1;
            if (!space.objects.containsKey(handle)) {
                return handle;
            }
        }
    }

    /** The object left the TPM with the command (flushed): forget it. */
    private void dropLoaded(TrackedObject object) {
        loadedObjects.remove(object);
        object.owner.objects.remove(object.virtualHandle);
    }

    private void forget(TrackedObject object) {
        dropLoaded(object);
        object.physicalHandle = TrackedObject.NOT_LOADED;
        object.savedContext = null;
    }

    private void dropSession(TrackedSession session) {
        sessions.remove(session.handle);
        if (session.owner != null) {
            session.owner.sessions.remove(session);
        }
    }

    private void flush(Space space, int handle) {
        counters.flushes++;
        space.counters.flushes++;
        byte[] response = tpm(space, handleCommand(TpmCc.FLUSH_CONTEXT, handle));
        int rc = CommandFrame.u32(response, 6);
        if (rc != 0) {
            log.debug("{}: flushing 0x{} answered {} (already gone)", space.name(), Integer.toHexString(handle),
                    new ResponseCode(rc));
        }
    }

    /** Sends one command for a space and counts it. */
    private byte[] tpm(Space space, byte[] command) {
        counters.tpmCommands++;
        space.counters.tpmCommands++;
        try {
            byte[] response = chip.send(command);
            if (response.length < TpmHeader.SIZE) {
                resyncNeeded = true;
                throw new TpmProtocolException(chip.name() + ": response of " + response.length
                        + " bytes", 0);
            }
            return response;
        } catch (TpmDeviceRemovedException e) {
            throw e;
        } catch (TpmException e) {
            // The command may or may not have run: what it created or flushed is unknown until re-read.
            resyncNeeded = true;
            throw e;
        }
    }

    private static byte[] handleCommand(TpmCc command, int handle) {
        return new TpmWriter(14).u16(TpmSt.NO_SESSIONS.value()).u32(14).u32(command.value()).u32(handle)
                .toByteArray();
    }

    private static byte[] success() {
        return TpmHeader.headerOnlyResponse(TpmRc.SUCCESS.value());
    }

    /**
     * After a command whose outcome is unknown: objects the TPM holds that nobody tracks are flushed (a Load
     * that timed out may have created one), and tracked objects the TPM no longer holds are forgotten.
     */
    private void resync(Space space) {
        resyncNeeded = false;
        resyncObjects(space);
        List<Integer> loaded = listHandles(space, TpmHt.HMAC_SESSION.firstHandle());
        for (int handle : loaded) {
            TrackedSession session = sessions.get(handle);
            if (session == null) {
                log.debug("{}: flushing untracked session 0x{} after an interrupted command", space.name(),
                        Integer.toHexString(handle));
                flush(space, handle);
            }
        }
    }

    private void resyncObjects(Space space) {
        List<Integer> present = listHandles(space, TpmHt.TRANSIENT.firstHandle());
        Map<Integer, TrackedObject> byPhysical = new HashMap<>();
        for (TrackedObject object : loadedObjects) {
            byPhysical.put(object.physicalHandle, object);
        }
        for (int handle : present) {
            if (byPhysical.remove(handle) == null) {
                log.debug("{}: flushing untracked object 0x{}", space.name(), Integer.toHexString(handle));
                flush(space, handle);
            }
        }
        for (TrackedObject gone : byPhysical.values()) {
            loadedObjects.remove(gone);
            gone.physicalHandle = TrackedObject.NOT_LOADED;
            if (gone.savedContext == null) {
                log.debug("{}: {} is no longer in the TPM; forgetting it", space.name(), gone);
                forget(gone);
            }
        }
    }

    private List<Integer> listHandles(Space space, int first) {
        byte[] command = new TpmWriter(22).u16(TpmSt.NO_SESSIONS.value()).u32(22).u32(TpmCc.GET_CAPABILITY.value())
                .u32(TpmCap.HANDLES.value()).u32(first).u32(MAX_CAP_HANDLES).toByteArray();
        byte[] response = tpm(space, command);
        List<Integer> handles = new ArrayList<>();
        if (CommandFrame.u32(response, 6) != 0 || response.length < 19) {
            return handles;
        }
        int count = CommandFrame.u32(response, 15);
        for (int i = 0; i < count && 19 + 4 * i + 4 <= response.length; i++) {
            int handle = CommandFrame.u32(response, 19 + 4 * i);
            if ((handle >>> 24) == (first >>> 24)) {
                handles.add(handle);
            }
        }
        return handles;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Closing spaces.

    /** Flushes everything the space owns; after removal, only forgets it. Idempotent. */
    void close(Space space) {
        // An interrupted thread must still be able to release what its space holds; the flag is restored below.
        boolean interrupted = Thread.interrupted();
        chip.lockCommands(0);
        try {
            if (space.closed) {
                return;
            }
            space.closed = true;
            spaces.remove(space);
            for (TrackedObject object : List.copyOf(space.objects.values())) {
                if (object.loaded()) {
                    flushQuietly(space, object.physicalHandle);
                }
                forget(object);
            }
            for (TrackedSession session : List.copyOf(space.sessions)) {
                flushQuietly(space, session.handle);
                dropSession(session);
            }
            log.debug("{}: closed; {}", space.name(), space.counters.snapshot());
        } finally {
            chip.unlockCommands();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void flushQuietly(Space space, int handle) {
        if (chip.isRemoved()) {
            return;
        }
        try {
            flush(space, handle);
        } catch (TpmException e) {
            log.debug("{}: flushing 0x{} on close failed: {}", space.name(), Integer.toHexString(handle),
                    e.toString());
        }
    }
}
