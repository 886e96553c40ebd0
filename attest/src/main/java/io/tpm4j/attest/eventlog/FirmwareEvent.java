package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;

import java.util.List;
import java.util.Optional;

/**
 * One event of a firmware log (TCG_PCR_EVENT or TCG_PCR_EVENT2).
 *
 * @param number   its position in the log, from 0 (the Spec ID event of a crypto-agile log is number 0)
 * @param offset   the byte offset where it starts in the log
 * @param pcrIndex the PCR it was extended into
 * @param type     its event type (see {@link EventTypes})
 * @param digests  the digests extended, one per bank (SHA-1 only in a TCG_PCR_EVENT log)
 * @param data     its raw event data
 * @param decoded  the data decoded by type
 */
public record FirmwareEvent(int number, long offset, int pcrIndex, int type, List<TaggedDigest> digests,
                            byte[] data, EventData decoded) {

    public FirmwareEvent {
        digests = List.copyOf(digests);
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The specification's name of this event's type. */
    public String typeName() {
        return EventTypes.name(type);
    }

    /** The digest this event extends into {@code bank}, if the event has one for it. */
    public Optional<byte[]> digest(TpmAlg bank) {
        return digests.stream().filter(d -> d.hashAlg() == bank).findFirst().map(TaggedDigest::digest);
    }

    /** Whether this event extends its PCR: every type except EV_NO_ACTION, which is informational only. */
    public boolean extendsPcr() {
        return type != EventTypes.EV_NO_ACTION;
    }
}
