package io.tpm4j.jca;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.TpmHeader;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counts, by command, what the TPM behind it did: commands it answered with anything but "send it again"
 * (TPM_RC_RETRY, YIELDED, TESTING: libtpms answers the odd ECDSA TPM2_Sign with TPM_RC_RETRY, and the RM sends it
 * again), which are counted apart. Closing it does not close the transport beneath.
 */
final class CommandCounter implements TpmTransport {

    private final TpmTransport inner;
    private final Map<String, Long> done = new TreeMap<>();
    private long sentAgain;

    CommandCounter(TpmTransport inner) {
        this.inner = inner;
    }

    @Override
    public byte[] transmit(byte[] command) {
        byte[] response = inner.transmit(command);
        ResponseCode rc = new ResponseCode(TpmHeader.ofResponse(response).code());
        synchronized (done) {
            if (rc.is(TpmRc.RETRY) || rc.is(TpmRc.YIELDED) || rc.is(TpmRc.TESTING)) {
                sentAgain++;
            } else {
                done.merge(TpmCc.describe(TpmHeader.commandCode(command)).split(" ")[0], 1L, Long::sum);
            }
        }
        return response;
    }

    void reset() {
        synchronized (done) {
            done.clear();
            sentAgain = 0;
        }
    }

    /** The commands the TPM carried out (or refused) since the last reset, by spec name. */
    Map<String, Long> byCode() {
        synchronized (done) {
            return Map.copyOf(done);
        }
    }

    /** All answers since the last reset, the "send it again" ones included. */
    long total() {
        synchronized (done) {
            return done.values().stream().mapToLong(Long::longValue).sum() + sentAgain;
        }
    }

    long sentAgain() {
        synchronized (done) {
            return sentAgain;
        }
    }
}
