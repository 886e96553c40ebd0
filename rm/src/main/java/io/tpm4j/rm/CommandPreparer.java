package io.tpm4j.rm;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.CommandAttributes;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;

/**
 * Prepare, the first step of a client command: parses it with the TPM's command-attribute table, refuses what
 * the space may not name (answering in the resource-manager layer without touching the TPM), makes sure every
 * object and session it names is loaded, frees a slot for what it creates, and translates object handles.
 * Answers what the RM virtualises (Startup, Shutdown, the handle lists of GetCapability). The kernel's
 * tpm2_prepare_space. Guarded by the chip's command lock.
 */
final class CommandPreparer {

    private static final Logger log = LoggerFactory.getLogger(CommandPreparer.class);

    /** Where a handle stands in the command, which a refusal's response code names. */
    private enum Position { HANDLE, SESSION, PARAMETER }

    private final Map<Integer, CommandAttributes> commandTable;
    private final int maxCommandSize;
    private final ResourceManager.Options options;
    private final Tracker tracker;
    private final Swapper swapper;
    private final SessionBudget sessionBudget;
    private final CapabilityView capabilities;
    private long serial;

    CommandPreparer(Map<Integer, CommandAttributes> commandTable, int maxCommandSize, ResourceManager.Options options,
                    Tracker tracker, Swapper swapper, SessionBudget sessionBudget) {
        this.commandTable = commandTable;
        this.sessionBudget = sessionBudget;
        this.maxCommandSize = maxCommandSize;
        this.options = options;
        this.tracker = tracker;
        this.swapper = swapper;
        this.capabilities = new CapabilityView(tracker);
    }

    PreparedCommand prepare(Space space, byte[] command, int code) throws Refusal {
        CommandAttributes attributes = commandTable.get(code);
        if (attributes == null) {
            throw new Refusal(TpmRc.COMMAND_CODE, TpmCc.describe(code) + " is not in the TPM's command table");
        }
        if (command.length > maxCommandSize) {
            throw new Refusal(TpmRc.COMMAND_SIZE, TpmCc.describe(code) + " is " + command.length
                    + " bytes; the TPM takes at most " + maxCommandSize);
        }
        CommandFrame frame = CommandFrame.parse(command, code, attributes);
        PreparedCommand p = new PreparedCommand(frame, ++serial);
        for (int i = 0; i < frame.handleCount(); i++) {
            int handle = frame.handle(i);
            if (TpmHt.TRANSIENT.contains(handle)) {
                p.handleObjects[i] = ownObject(space, handle, i + 1);
            } else if (TrackedSession.isSessionHandle(handle)) {
                p.handleSessions[i] = ownSession(space, handle, Position.HANDLE, i + 1);
            }
        }
        for (int i = 0; i < frame.sessionCount; i++) {
            int handle = frame.sessionHandles[i];
            if (handle == Authorization.TPM_RS_PW) {
                continue;
            }
            if (!TrackedSession.isSessionHandle(handle)) {
                throw Refusal.session(TpmRc.HANDLE, i + 1, String.format("0x%08x is not a session handle", handle));
            }
            p.authSessions[i] = ownSession(space, handle, Position.SESSION, i + 1);
        }
        if (p.is(TpmCc.STARTUP)) {
            // The RM started the TPM; a running machine's TPM answers a second Startup this way.
            log.debug("{}: TPM2_Startup answered TPM_RC_INITIALIZE: the TPM is running", space.name());
            p.answer = TpmHeader.headerOnlyResponse(TpmRc.INITIALIZE.value());
        } else if (p.is(TpmCc.SHUTDOWN)) {
            // Virtualised: a shared TPM's power cycle is not one client's to prepare; the client gets success.
            log.debug("{}: TPM2_Shutdown answered locally; the shared TPM keeps running", space.name());
            p.answer = TpmHeader.headerOnlyResponse(TpmRc.SUCCESS.value());
        } else if (p.is(TpmCc.FLUSH_CONTEXT)) {
            prepareFlush(space, p);
        } else if (p.is(TpmCc.CONTEXT_LOAD)) {
            prepareContextLoad(space, p);
        } else if (p.is(TpmCc.GET_CAPABILITY)) {
            p.answer = capabilities.answer(space, frame);
        }
        if (p.answer != null) {
            return p;
        }
        if (attributes.responseHandle() && !p.is(TpmCc.CONTEXT_LOAD)) {
            if (p.is(TpmCc.START_AUTH_SESSION)) {
                sessionBudget.admit(space, null);
            } else {
                checkObjectQuota(space);
            }
        }
        makeLoaded(space, p);
        return p;
    }

    private static Refusal refusal(Position position, int n, String reason) {
        return switch (position) {
            case HANDLE -> Refusal.handle(TpmRc.HANDLE, n, reason);
            case SESSION -> Refusal.session(TpmRc.HANDLE, n, reason);
            case PARAMETER -> Refusal.parameter(TpmRc.HANDLE, n, reason);
        };
    }

    private static TrackedObject ownObject(Space space, int virtualHandle, int n) throws Refusal {
        TrackedObject object = space.object(virtualHandle);
        if (object == null) {
            throw Refusal.handle(TpmRc.HANDLE, n, String.format("%s has no object 0x%08x", space.name(),
                    virtualHandle));
        }
        return object;
    }

    private TrackedSession ownSession(Space space, int handle, Position position, int n) throws Refusal {
        TrackedSession session = tracker.session(handle);
        if (session == null || session.owner() != space) {
            throw refusal(position, n, String.format("%s has no session 0x%08x", space.name(), handle));
        }
        return session;
    }

    /** FlushContext names its object or session in a parameter, which must be translated or refused like a handle. */
    private void prepareFlush(Space space, PreparedCommand p) throws Refusal {
        CommandFrame frame = p.frame;
        if (frame.parameterBytes() < 4) {
            throw new Refusal(TpmRc.INSUFFICIENT, "TPM2_FlushContext without its flushHandle");
        }
        int handle = BigEndian.u32(frame.bytes, frame.parametersOffset);
        if (TpmHt.TRANSIENT.contains(handle)) {
            TrackedObject object = space.object(handle);
            if (object == null) {
                throw Refusal.parameter(TpmRc.HANDLE, 1, String.format("%s has no object 0x%08x to flush",
                        space.name(), handle));
            }
            if (!object.loaded()) {
                // Swapped out: forgetting the saved context is the whole flush.
                tracker.forget(object);
                p.answer = TpmHeader.headerOnlyResponse(TpmRc.SUCCESS.value());
                return;
            }
            p.flushObject = object;
        } else if (TrackedSession.isSessionHandle(handle)) {
            TrackedSession saved = tracker.session(handle);
            // A TPM flushes a session in the saved state too; the space that saved it may, no other space.
            p.flushSession = saved != null && saved.isClientSavedBy(space) ? saved
                    : ownSession(space, handle, Position.PARAMETER, 1);
        }
    }

    /**
     * ContextLoad of a session: only a session nobody owns may be loaded, and when a client loads the context it
     * got from its own ContextSave, the RM loads its newer copy (re-saved to close the context gap) instead.
     */
    private void prepareContextLoad(Space space, PreparedCommand p) throws Refusal {
        CommandFrame frame = p.frame;
        int at = frame.parametersOffset;
        if (frame.parameterBytes() < 8 + 4 + 4 + 2) {
            throw new Refusal(TpmRc.INSUFFICIENT, "TPM2_ContextLoad with a truncated TPMS_CONTEXT");
        }
        int savedHandle = BigEndian.u32(frame.bytes, at + 8);
        if (!TrackedSession.isSessionHandle(savedHandle)) {
            checkObjectQuota(space);
            return;
        }
        p.loadsSession = true;
        TrackedSession session = tracker.session(savedHandle);
        if (session != null && !session.isClientSaved()) {
            throw Refusal.parameter(TpmRc.HANDLE, 1, String.format("session 0x%08x is %s, not a saved "
                    + "session %s may load", savedHandle, session.owner() == space ? "its own and loaded"
                    : "another space's", space.name()));
        }
        if (session == null || !session.isClientSavedBy(space)) {
            // A session this space saved is charged to it already; any other is one more.
            sessionBudget.admit(space, session);
        }
        if (session != null && session.isClientContext(Arrays.copyOfRange(frame.bytes, at, frame.bytes.length))) {
            p.loadedSession = session;
        }
    }

    private void checkObjectQuota(Space space) throws Refusal {
        int owned = space.objectCount();
        if (owned >= options.maxObjectsPerSpace()) {
            throw new Refusal(TpmRc.OBJECT_MEMORY, space.name() + " already holds " + owned
                    + " objects, its quota; flush one first");
        }
    }

    /** Loads everything the command names, frees a slot for what it creates, and translates object handles. */
    private void makeLoaded(Space space, PreparedCommand p) throws Refusal {
        long now = tracker.tick();
        pin(p.serial, now, p.handleObjects);
        pin(p.serial, now, p.handleSessions);
        pin(p.serial, now, p.authSessions);
        pin(p.serial, now, p.flushSession);
        if (p.flushObject != null) {
            // Pinned so that making room does not flush it first, but not counted as a use.
            p.flushObject.pin(p.serial);
        }
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
                int rc = swapper.load(space, object, p.serial);
                if (rc != 0) {
                    throw unloadable(space, object.toString(), rc, Position.HANDLE, i + 1);
                }
            }
            BigEndian.putU32(p.bytes, CommandFrame.handleOffset(i), object.physicalHandle());
        }
        if (p.flushObject != null) {
            BigEndian.putU32(p.bytes, p.frame.parametersOffset, p.flushObject.physicalHandle());
        }
        if (p.frame.attributes.responseHandle()) {
            if (p.is(TpmCc.START_AUTH_SESSION) || p.loadsSession) {
                swapper.makeRoomForSession(space, p.serial);
            } else {
                swapper.makeRoomForObject(space, p.serial);
            }
        }
        if (p.loadedSession != null) {
            // The RM's copy may be newer than the client's (re-saved against the context gap).
            TpmWriter out = new TpmWriter(p.bytes.length).bytes(Arrays.copyOf(p.bytes, p.frame.parametersOffset));
            p.loadedSession.savedContext().write(out);
            p.substituted = out.u32At(2, out.size()).toByteArray();
        }
    }

    private static void pin(long serial, long now, Tracked... entities) {
        for (Tracked entity : entities) {
            if (entity != null) {
                entity.pin(serial);
                entity.used(now);
            }
        }
    }

    private void loadOrRefuse(Space space, TrackedSession session, long serial, Position position, int n)
            throws Refusal {
        if (session == null || session.loaded()) {
            return;
        }
        int rc = swapper.load(space, session, serial);
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
}
