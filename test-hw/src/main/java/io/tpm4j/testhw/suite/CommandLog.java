package io.tpm4j.testhw.suite;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.wire.TpmHeader;

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
        Exchange exchange = new Exchange(TpmHeader.commandCode(command), TpmHeader.ofResponse(response).code());
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
