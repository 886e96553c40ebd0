package io.tpm4j.rm;

import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmSt;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * The RM's line to the chip (the transmit of prepare → transmit → commit): every command the RM sends, the
 * clients' and its own, goes through here and is counted for the space it is sent for. A command whose outcome
 * is unknown (no answer, broken framing) leaves a mark, so that the next command first re-reads the TPM.
 * Guarded by the chip's command lock.
 */
final class ChipLink {

    private static final Logger log = LoggerFactory.getLogger(ChipLink.class);
    /** TPM_CAP_HANDLES answers hold at most this many handles (MAX_CAP_BUFFER 1024 less the list header). */
    static final int MAX_CAP_HANDLES = 254;
    /** TPM_ST_RSP_COMMAND: a TPM 2.0 answers a TPM 1.2 command's tag with it (Part 1, 18.10). */
    private static final int TPM12_RSP_COMMAND = 0x00C4;

    private final TpmChip chip;
    private boolean resyncNeeded;

    ChipLink(TpmChip chip) {
        this.chip = chip;
    }

    /** Whether a command's outcome is unknown, so what the TPM holds must be read again. */
    boolean resyncNeeded() {
        return resyncNeeded;
    }

    void resynced() {
        resyncNeeded = false;
    }

    /** A response the RM could not make sense of: what the command did is unknown until the TPM is re-read. */
    void outcomeUnknown() {
        resyncNeeded = true;
    }

    /**
     * Sends one command for {@code space} and counts it. The response's header is checked (its size field is its
     * length, its tag a TPM 2.0 response's), so that nothing after reads past it.
     */
    byte[] send(Space space, byte[] command) {
        space.count(Counters.Event.TPM_COMMAND);
        try {
            byte[] response = chip.send(command);
            String wrong = malformedHeader(response);
            if (wrong != null) {
                resyncNeeded = true;
                throw new TpmProtocolException(chip.name() + ": response to "
                        + TpmCc.describe(TpmHeader.commandCode(command)) + ": " + wrong, 0);
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

    private static String malformedHeader(byte[] response) {
        if (response.length < TpmHeader.SIZE) {
            return response.length + " bytes, shorter than a response header";
        }
        long size = Integer.toUnsignedLong(BigEndian.u32(response, 2));
        if (size != response.length) {
            return "its size field says " + size + " bytes but " + response.length + " came";
        }
        int tag = BigEndian.u16(response, 0);
        if (tag != TpmSt.NO_SESSIONS.value() && tag != TpmSt.SESSIONS.value() && tag != TPM12_RSP_COMMAND) {
            return String.format("tag 0x%04x is not a TPM response's", tag);
        }
        return null;
    }

    /** {@link #send} as a transport, for the RM's own commands. */
    TpmTransport route(Space space) {
        return command -> send(space, command);
    }

    /** TPM2_ContextSave, counted as a context save. */
    Housekeeping.Answer<SavedContext> contextSave(Space space, int handle) {
        space.count(Counters.Event.CONTEXT_SAVE);
        return parsed(() -> Housekeeping.contextSave(route(space), handle));
    }

    /** TPM2_FlushContext, counted as a flush; a handle already gone is a normal outcome. */
    void flush(Space space, int handle) {
        space.count(Counters.Event.FLUSH);
        Housekeeping.Answer<Void> flushed = parsed(() -> Housekeeping.flushContext(route(space), handle));
        if (!flushed.ok()) {
            log.debug("{}: flushing 0x{} answered {} (already gone)", space.name(), Integer.toHexString(handle),
                    flushed.code());
        }
    }

    /** The handles of one type the TPM holds, from {@code first} on; none when it does not answer. */
    List<Integer> handles(Space space, int first) {
        return listed(space, first, handle -> (handle >>> 24) == (first >>> 24));
    }

    /**
     * The sessions the TPM holds in one session range (TPM_HT_LOADED_SESSION or TPM_HT_SAVED_SESSION): the answer
     * holds HMAC and policy session handles alike.
     */
    List<Integer> sessions(Space space, int range) {
        return listed(space, range, TrackedSession::isSessionHandle);
    }

    private List<Integer> listed(Space space, int first, IntPredicate wanted) {
        Housekeeping.Answer<List<Integer>> listed = parsed(() -> Housekeeping.handles(route(space), first,
                MAX_CAP_HANDLES));
        List<Integer> handles = new ArrayList<>();
        if (listed.ok()) {
            for (int handle : listed.value()) {
                if (wanted.test(handle)) {
                    handles.add(handle);
                }
            }
        }
        return handles;
    }

    /** A housekeeping command whose answer did not parse has an unknown outcome, like one that got no answer. */
    <T> T parsed(Supplier<T> command) {
        try {
            return command.get();
        } catch (TpmProtocolException e) {
            resyncNeeded = true;
            throw e;
        }
    }
}
