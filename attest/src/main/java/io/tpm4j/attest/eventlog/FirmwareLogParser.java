package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the firmware log's framing (PC Client Platform Firmware Profile, "Event Logging"): TCG_PCR_EVENT and
 * TCG_PCR_EVENT2. Every length is checked against what is left and every count against the Spec ID event.
 */
final class FirmwareLogParser {

    /** PC Client TPMs have 24 PCRs; an event for another index is not from a PC Client firmware. */
    static final int PCR_COUNT = 24;
    private static final int SHA1_SIZE = 20;

    private FirmwareLogParser() {
    }

    static FirmwareEventLog parse(byte[] log) throws EventLogException {
        LogReader in = new LogReader(log);
        if (in.atEnd()) {
            throw in.error("the log is empty");
        }
        List<FirmwareEvent> events = new ArrayList<>();
        FirmwareEvent first = sha1Event(in, 0);
        events.add(first);
        if (first.decoded() instanceof EventData.SpecId id && first.type() == EventTypes.EV_NO_ACTION) {
            while (more(in)) {
                events.add(agileEvent(in, events.size(), id.algorithms()));
            }
            return new FirmwareEventLog(FirmwareEventLog.Format.CRYPTO_AGILE, id.algorithms(), events);
        }
        while (more(in)) {
            events.add(sha1Event(in, events.size()));
        }
        return new FirmwareEventLog(FirmwareEventLog.Format.SHA1, List.of(TpmAlg.SHA1), events);
    }

    /** Whether another event follows; an all-zero tail is the unused rest of a firmware's log buffer. */
    private static boolean more(LogReader in) {
        return !in.atEnd() && !in.onlyZerosLeft();
    }

    private static FirmwareEvent sha1Event(LogReader in, int number) throws EventLogException {
        int start = in.position();
        int pcr = pcrIndex(in, "TCG_PCR_EVENT.PCRIndex");
        int type = (int) in.u32("TCG_PCR_EVENT.EventType");
        byte[] digest = in.bytes(SHA1_SIZE, "TCG_PCR_EVENT.Digest");
        int size = in.length("TCG_PCR_EVENT.EventSize");
        LogReader data = in.slice(size, "TCG_PCR_EVENT.Event");
        EventData decoded;
        if (number == 0 && type == EventTypes.EV_NO_ACTION && data.startsWith(EventDecoder.SPEC_ID_SIGNATURE)) {
            // Strict: without a good Spec ID event the rest of a crypto-agile log cannot be read.
            decoded = EventDecoder.specId(data.copy());
        } else {
            decoded = EventDecoder.decode(type, data.copy());
        }
        return new FirmwareEvent(number, start, pcr, type, List.of(new TaggedDigest(TpmAlg.SHA1, digest)),
                data.bytes(size, "TCG_PCR_EVENT.Event"), decoded);
    }

    private static FirmwareEvent agileEvent(LogReader in, int number, List<TpmAlg> banks) throws EventLogException {
        int start = in.position();
        int pcr = pcrIndex(in, "TCG_PCR_EVENT2.PCRIndex");
        int type = (int) in.u32("TCG_PCR_EVENT2.EventType");
        int count = in.u32Bounded(banks.size(), "TCG_PCR_EVENT2.Digests.count");
        List<TaggedDigest> digests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int algAt = in.position();
            int id = in.u16("TCG_PCR_EVENT2.Digests.hashAlg");
            TpmAlg alg = banks.stream().filter(b -> b.value() == id).findFirst().orElseThrow(() ->
                    new EventLogException("event " + number + " has a " + TpmAlg.describe(id)
                            + " digest, which the Spec ID event does not list", algAt));
            if (digests.stream().anyMatch(d -> d.hashAlg() == alg)) {
                throw new EventLogException("event " + number + " has two " + TpmAlg.describe(id) + " digests",
                        algAt);
            }
            digests.add(new TaggedDigest(alg, in.bytes(alg.digestSize().getAsInt(), "TCG_PCR_EVENT2.Digests")));
        }
        int size = in.length("TCG_PCR_EVENT2.EventSize");
        LogReader data = in.slice(size, "TCG_PCR_EVENT2.Event");
        EventData decoded = EventDecoder.decode(type, data.copy());
        return new FirmwareEvent(number, start, pcr, type, digests, data.bytes(size, "TCG_PCR_EVENT2.Event"),
                decoded);
    }

    private static int pcrIndex(LogReader in, String field) throws EventLogException {
        return in.u32Bounded(PCR_COUNT - 1, field);
    }
}
