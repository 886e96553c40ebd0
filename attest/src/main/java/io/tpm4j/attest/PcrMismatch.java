package io.tpm4j.attest;

import io.tpm4j.api.types.TpmAlg;

import java.util.HexFormat;
import java.util.List;

/**
 * A PCR whose value differs from what a measurement log replays to, with the log's events that were extended into
 * it: what a verifier shows to say why.
 *
 * @param expected the value given (read from the TPM or quoted)
 * @param replayed the log's replay; empty when the log has no such bank
 * @param reason   what differs, in words
 * @param events   the log's events extended into this PCR, in order
 * @param <E>      the log's event type
 */
public record PcrMismatch<E>(TpmAlg bank, int index, byte[] expected, byte[] replayed, String reason,
                             List<E> events) {

    public PcrMismatch {
        expected = expected.clone();
        replayed = replayed.clone();
        events = List.copyOf(events);
    }

    @Override
    public byte[] expected() {
        return expected.clone();
    }

    @Override
    public byte[] replayed() {
        return replayed.clone();
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return TpmAlg.describe(bank.value()) + " PCR " + index + ": " + reason + " (expected " + hex.formatHex(expected)
                + ", replayed " + (replayed.length == 0 ? "nothing" : hex.formatHex(replayed)) + ", "
                + events.size() + " events)";
    }
}
