package io.tpm4j.rm;

import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.wire.TpmHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
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

    /** Sends one command for {@code space} and counts it. */
    byte[] send(Space space, byte[] command) {
        space.count(Counters.Event.TPM_COMMAND);
        try {
            byte[] response = chip.send(command);
            if (response.length < TpmHeader.SIZE) {
                resyncNeeded = true;
                throw new TpmProtocolException(chip.name() + ": response of " + response.length + " bytes", 0);
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
        Housekeeping.Answer<List<Integer>> listed = parsed(() -> Housekeeping.handles(route(space), first,
                MAX_CAP_HANDLES));
        List<Integer> handles = new ArrayList<>();
        if (listed.ok()) {
            for (int handle : listed.value()) {
                if ((handle >>> 24) == (first >>> 24)) {
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
