package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;

import java.util.List;
import java.util.Optional;

/**
 * A TCG PC Client Platform Firmware Profile event log, as Linux exposes it in
 * /sys/kernel/security/tpm0/binary_bios_measurements: every event, decoded, and its replay to PCR values.
 *
 * @param format  SHA-1-only (TCG_PCR_EVENT throughout) or crypto-agile (the Spec ID event, then TCG_PCR_EVENT2)
 * @param banks   the PCR banks the log has digests for, from the Spec ID event (SHA-1 for the SHA-1-only form)
 * @param events  every event in order, the Spec ID event included
 */
public record FirmwareEventLog(Format format, List<TpmAlg> banks, List<FirmwareEvent> events) {

    /** The two forms of the log. */
    public enum Format {
        /** TPM 1.2 style: TCG_PCR_EVENT records with a SHA-1 digest. */
        SHA1,
        /** TPM 2.0 style: a TCG_PCR_EVENT holding the Spec ID event, then TCG_PCR_EVENT2 records. */
        CRYPTO_AGILE
    }

    public FirmwareEventLog {
        banks = List.copyOf(banks);
        events = List.copyOf(events);
    }

    /** Parses a whole log; a log that does not parse ends in an exception naming the offset and the problem. */
    public static FirmwareEventLog parse(byte[] log) throws EventLogException {
        return FirmwareLogParser.parse(log);
    }

    /** The crypto-agile log's Spec ID event. */
    public Optional<EventData.SpecId> specId() {
        return format == Format.CRYPTO_AGILE && events.getFirst().decoded() instanceof EventData.SpecId id
                ? Optional.of(id) : Optional.empty();
    }

    /**
     * Replays the log into every bank Java can hash: each event but EV_NO_ACTION extends its digest for that bank
     * into its PCR, from all zeros, except that a StartupLocality event sets PCR 0's last byte to its locality
     * first. An event without a digest for a bank leaves that bank's PCR as it is (a verifier then sees the
     * mismatch).
     */
    public PcrReplay<FirmwareEvent> replay() {
        Replayer<FirmwareEvent> replayer = new Replayer<>(banks);
        for (FirmwareEvent event : events) {
            if (!event.extendsPcr()) {
                if (event.pcrIndex() == 0 && event.decoded() instanceof EventData.StartupLocality start) {
                    replayer.start(0, start.locality());
                }
                continue;
            }
            replayer.record(event, event.pcrIndex());
            for (TaggedDigest digest : event.digests()) {
                if (replayer.banks().contains(digest.hashAlg())) {
                    replayer.extend(event.pcrIndex(), digest.hashAlg(), digest.digest());
                }
            }
        }
        return replayer.result();
    }
}
