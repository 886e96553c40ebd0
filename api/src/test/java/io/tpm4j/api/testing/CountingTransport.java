package io.tpm4j.api.testing;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmHeader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A transport that tallies the TPM commands passing through it by command code: what a call costs on a chip,
 * counted where it is paid. Closing it does not close the transport beneath (that stays the test's).
 */
public final class CountingTransport implements TpmTransport {

    private final TpmTransport inner;
    private final List<TpmCc> sent = new ArrayList<>();

    public CountingTransport(TpmTransport inner) {
        this.inner = inner;
    }

    @Override
    public byte[] transmit(byte[] command) {
        TpmCc code = TpmCc.of(TpmHeader.commandCode(command))
                .orElseThrow(() -> new AssertionError("an unknown command code was sent"));
        synchronized (sent) {
            sent.add(code);
        }
        return inner.transmit(command);
    }

    /** Forgets what was counted so far. */
    public void reset() {
        synchronized (sent) {
            sent.clear();
        }
    }

    /** How many commands were sent since the last {@link #reset()}. */
    public int total() {
        synchronized (sent) {
            return sent.size();
        }
    }

    /** The commands sent since the last {@link #reset()}, in order. */
    public List<TpmCc> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    /** How many of each command were sent since the last {@link #reset()}, by spec name. */
    public Map<String, Long> byCode() {
        return sent().stream().collect(Collectors.groupingBy(TpmCc::specName, TreeMap::new, Collectors.counting()));
    }
}
