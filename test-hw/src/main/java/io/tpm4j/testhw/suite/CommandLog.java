package io.tpm4j.testhw.suite;

import io.tpm4j.api.TpmTransport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A transport that passes every command on to the target's and remembers each command code with the response
 * code it got: the proof that a command reached the TPM (or its resource manager) and what the answer was.
 * Closing it leaves the target's transport open.
 */
final class CommandLog implements TpmTransport {

    /** One command sent and the response code it got. */
    record Exchange(int commandCode, int responseCode) {
    }

    private final TpmTransport target;
    private final List<Exchange> exchanges = new ArrayList<>();

    CommandLog(TpmTransport target) {
        this.target = target;
    }

    @Override
    public byte[] transmit(byte[] command) {
        byte[] response = target.transmit(command);
        // Both headers carry their code at offset 6, after the tag and the size.
        Exchange exchange = new Exchange(ByteBuffer.wrap(command).getInt(6), ByteBuffer.wrap(response).getInt(6));
        synchronized (exchanges) {
            exchanges.add(exchange);
        }
        return response;
    }

    /** How many exchanges so far: a mark for {@link #since}. */
    int size() {
        synchronized (exchanges) {
            return exchanges.size();
        }
    }

    /** The exchanges after {@code mark}. */
    List<Exchange> since(int mark) {
        synchronized (exchanges) {
            return List.copyOf(exchanges.subList(mark, exchanges.size()));
        }
    }
}
