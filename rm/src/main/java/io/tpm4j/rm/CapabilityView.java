package io.tpm4j.rm;

import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmSt;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmWriter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * TPM2_GetCapability(TPM_CAP_HANDLES) for transient objects and sessions, answered from one space's view: its
 * own objects under their virtual handles, its own sessions, nothing of other spaces'. The kernel filters the
 * TPM's answer; the RM has everything it needs to answer without asking the TPM.
 */
final class CapabilityView {

    private static final int SESSION_RANGE = 0x00FF_FFFF;

    private final Tracker tracker;

    CapabilityView(Tracker tracker) {
        this.tracker = tracker;
    }

    /** The answer to the command, or null when it asks for something the TPM answers itself. */
    byte[] answer(Space space, CommandFrame frame) throws Refusal {
        if (frame.parameterBytes() < 12) {
            return null;
        }
        int capability = BigEndian.u32(frame.bytes, frame.parametersOffset);
        int property = BigEndian.u32(frame.bytes, frame.parametersOffset + 4);
        long count = Integer.toUnsignedLong(BigEndian.u32(frame.bytes, frame.parametersOffset + 8));
        int type = property >>> 24;
        if (capability != TpmCap.HANDLES.value() || (type != TpmHt.TRANSIENT.value()
                && type != TpmHt.HMAC_SESSION.value() && type != TpmHt.POLICY_SESSION.value())) {
            return null;
        }
        if (frame.sessionCount > 0) {
            throw new Refusal(TpmRc.AUTH_CONTEXT, "the RM answers TPM_CAP_HANDLES for transient objects and "
                    + "sessions itself and cannot audit that answer; send it without sessions");
        }
        List<Integer> handles = visibleHandles(space, type, property);
        int n = (int) Math.min(Math.min(count, ChipLink.MAX_CAP_HANDLES), handles.size());
        TpmWriter out = new TpmWriter(19 + 4 * n).u16(TpmSt.NO_SESSIONS.value()).u32(0).u32(0)
                .u8(handles.size() > n ? 1 : 0).u32(TpmCap.HANDLES.value()).u32(n);
        for (int i = 0; i < n; i++) {
            out.u32(handles.get(i));
        }
        return out.u32At(2, out.size()).toByteArray();
    }

    /** The handles of one range that the space may see, in the order a TPM lists them. */
    private List<Integer> visibleHandles(Space space, int type, int property) {
        List<Integer> handles = new ArrayList<>();
        if (type == TpmHt.TRANSIENT.value()) {
            for (int handle : space.objectHandles()) {
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
        for (TrackedSession session : tracker.sessions()) {
            boolean visible = loaded ? session.owner() == space : session.isClientSavedBy(space);
            if (visible && (session.handle() & SESSION_RANGE) >= (property & SESSION_RANGE)) {
                handles.add(session.handle());
            }
        }
        handles.sort(Comparator.comparingInt(h -> h & SESSION_RANGE));
        return handles;
    }
}
