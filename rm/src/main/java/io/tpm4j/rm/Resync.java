package io.tpm4j.rm;

import io.tpm4j.api.types.TpmHt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Brings what the RM tracks back in line with what the TPM holds, after a command whose outcome is unknown
 * (timeout, broken framing) or one that may flush objects by itself (TPM2_Clear and other "extensive"
 * commands): objects and sessions the TPM holds that nobody tracks are flushed, tracked objects the TPM no
 * longer holds are forgotten. Guarded by the chip's command lock.
 */
final class Resync {

    private static final Logger log = LoggerFactory.getLogger(Resync.class);

    private final Tracker tracker;
    private final ChipLink link;

    Resync(Tracker tracker, ChipLink link) {
        this.tracker = tracker;
        this.link = link;
    }

    /** Before the next command, when the last one's outcome is unknown (a Load that timed out may have run). */
    void ifNeeded(Space space) {
        if (!link.resyncNeeded()) {
            return;
        }
        link.resynced();
        objects(space);
        for (int handle : link.handles(space, TpmHt.HMAC_SESSION.firstHandle())) {
            if (tracker.session(handle) == null) {
                log.debug("{}: flushing untracked session 0x{} after an interrupted command", space.name(),
                        Integer.toHexString(handle));
                link.flush(space, handle);
            }
        }
    }

    /** Flushes transient objects nobody tracks; forgets tracked ones that are gone (unless their context remains). */
    void objects(Space space) {
        Map<Integer, TrackedObject> byPhysical = new HashMap<>();
        for (TrackedObject object : tracker.loadedObjects()) {
            byPhysical.put(object.physicalHandle(), object);
        }
        for (int handle : link.handles(space, TpmHt.TRANSIENT.firstHandle())) {
            if (byPhysical.remove(handle) == null) {
                log.debug("{}: flushing untracked object 0x{}", space.name(), Integer.toHexString(handle));
                link.flush(space, handle);
            }
        }
        for (TrackedObject gone : byPhysical.values()) {
            tracker.unloaded(gone);
            if (gone.savedContext() == null) {
                log.debug("{}: {} is no longer in the TPM; forgetting it", space.name(), gone);
                tracker.forget(gone);
            }
        }
    }
}
