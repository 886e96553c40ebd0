package io.tpm4j.rm;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.wire.TpmHeader;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend in front of a real one that records the command codes it is given, and counts the calls that began
 * after {@link #markRemoved()}: the tests' witness that nothing reaches a removed chip's backend.
 */
final class RecordingTransport implements TpmTransport {

    private final TpmTransport device;
    final List<Integer> commandCodes = new CopyOnWriteArrayList<>();
    final AtomicLong callsAfterRemoval = new AtomicLong();
    private final AtomicBoolean removed = new AtomicBoolean();

    RecordingTransport(TpmTransport device) {
        this.device = device;
    }

    /** From now on every call counts as a call after removal. */
    void markRemoved() {
        removed.set(true);
    }

    @Override
    public byte[] transmit(byte[] command) {
        if (removed.get()) {
            callsAfterRemoval.incrementAndGet();
        }
        commandCodes.add(TpmHeader.commandCode(command));
        return device.transmit(command);
    }

    @Override
    public void close() {
        device.close();
    }
}
