package io.tpm4j.attest;

import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.attest.Verdict.Reason;
import io.tpm4j.attest.Verdict.Step;
import io.tpm4j.attest.eventlog.EventLogException;
import io.tpm4j.attest.eventlog.FirmwareEvent;
import io.tpm4j.attest.eventlog.FirmwareEventLog;
import io.tpm4j.attest.eventlog.ImaEntry;
import io.tpm4j.attest.eventlog.ImaLog;
import io.tpm4j.attest.eventlog.PcrReplay;
import io.tpm4j.attest.quote.AttestationFormatException;
import io.tpm4j.attest.quote.AttestationKey;
import io.tpm4j.attest.quote.ClockInfo;
import io.tpm4j.attest.quote.QuoteVerifier;
import io.tpm4j.attest.quote.Verification;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The checks of an attester's evidence after the credential's: the quote (by the enrolled AK, with the challenge's
 * nonce, of the PCR values the attester reports), the PCRs the verifier requires, the measurement logs against those
 * values, and the reference values. Each check runs whatever the others found, so every reason is reported.
 */
final class EvidenceChecks {

    /** IMA extends PCR 10 unless its policy names another. */
    private static final int IMA_PCR = 10;
    /** The most events named in one reason; the mismatch itself holds them all. */
    private static final int MAX_EVENTS_NAMED = 12;

    record Outcome(List<Reason> reasons, Optional<Verification> quote) {
    }

    private EvidenceChecks() {
    }

    static Outcome check(Pending.Expected expected, Evidence evidence, Optional<ClockInfo> previous) {
        List<Reason> reasons = new ArrayList<>();
        Optional<Verification> quote = quote(expected, evidence, previous, reasons);
        PcrValues pcrs = evidence.pcrs();
        for (int index : expected.required()) {
            if (pcrs.banks().stream().noneMatch(bank -> pcrs.get(bank, index).isPresent())) {
                reasons.add(new Reason(Step.QUOTE, "the quote does not cover PCR " + index
                        + ", which this verifier requires"));
            }
        }
        logs(evidence, reasons);
        expected.reference().ifPresent(reference -> reference(reference, pcrs, reasons));
        return new Outcome(reasons, quote.filter(Verification::ok));
    }

    private static Optional<Verification> quote(Pending.Expected expected, Evidence evidence,
                                                Optional<ClockInfo> previous, List<Reason> reasons) {
        try {
            AttestationKey ak = AttestationKey.of(expected.enrollment().ak());
            Verification verification = previous.isPresent()
                    ? QuoteVerifier.verify(evidence.quote(), ak, expected.nonce(), evidence.pcrs(), previous.get())
                    : QuoteVerifier.verify(evidence.quote(), ak, expected.nonce(), evidence.pcrs());
            verification.failures().forEach(f -> reasons.add(new Reason(Step.QUOTE, f.toString())));
            return Optional.of(verification);
        } catch (AttestationFormatException e) {
            reasons.add(new Reason(Step.QUOTE, "the quote cannot be checked: " + e.getMessage()));
            return Optional.empty();
        }
    }

    /**
     * The IMA list accounts for the PCRs its entries extend (PCR 10 when it is empty), the firmware log for every
     * other quoted PCR; a log not sent replays to nothing, so its PCRs must hold their reset value, all zeros.
     */
    private static void logs(Evidence evidence, List<Reason> reasons) {
        PcrValues pcrs = evidence.pcrs();
        Set<Integer> quoted = new TreeSet<>();
        pcrs.banks().forEach(bank -> quoted.addAll(pcrs.indexes(bank)));
        Set<Integer> imaPcrs = new TreeSet<>();
        Optional<ImaLog> ima = Optional.empty();
        if (evidence.imaLog().isPresent()) {
            try {
                ima = Optional.of(ImaLog.parse(evidence.imaLog().get()));
                ima.get().entries().forEach(e -> imaPcrs.add(e.pcrIndex()));
                if (imaPcrs.isEmpty()) {
                    imaPcrs.add(IMA_PCR);
                }
            } catch (EventLogException e) {
                reasons.add(new Reason(Step.EVENT_LOG, "the IMA log does not parse: " + e.getMessage()));
            }
        }
        Set<Integer> firmwarePcrs = new TreeSet<>(quoted);
        firmwarePcrs.removeAll(imaPcrs);
        firmware(evidence.firmwareLog(), pcrs.only(firmwarePcrs), reasons);
        if (ima.isPresent()) {
            imaMatches(ima.get(), pcrs.only(imaPcrs), reasons);
        }
    }

    private static void firmware(Optional<byte[]> log, PcrValues quoted, List<Reason> reasons) {
        PcrReplay<FirmwareEvent> replay;
        String name;
        if (log.isPresent()) {
            try {
                replay = FirmwareEventLog.parse(log.get()).replay();
                name = "the firmware log";
            } catch (EventLogException e) {
                reasons.add(new Reason(Step.EVENT_LOG, "the firmware log does not parse: " + e.getMessage()));
                return;
            }
        } else {
            Map<TpmAlg, Map<Integer, byte[]>> none = new EnumMap<>(TpmAlg.class);
            quoted.banks().forEach(bank -> none.put(bank, Map.of()));
            replay = new PcrReplay<>(PcrValues.of(none), Map.of());
            name = "no firmware log (the attester sent none)";
        }
        for (PcrMismatch<FirmwareEvent> mismatch : replay.compare(quoted)) {
            List<String> events = mismatch.events().stream().map(e -> "#" + e.number() + " " + e.typeName()).toList();
            reasons.add(new Reason(Step.EVENT_LOG, name + ": " + mismatch + (events.isEmpty() ? ""
                    : "; its events: " + listed(events)), Optional.of(mismatch)));
        }
    }

    /**
     * Linux 5.11 and later extend each bank's own hash of an entry; older kernels, and newer ones for a bank whose
     * hash they lack at boot, the SHA-1 template digest padded with zeros. Either replay may match.
     */
    private static void imaMatches(ImaLog ima, PcrValues quoted, List<Reason> reasons) {
        TpmAlg[] banks = quoted.banks().toArray(TpmAlg[]::new);
        if (banks.length == 0) {
            return;
        }
        List<PcrMismatch<ImaEntry>> own;
        try {
            own = ima.replay(banks).compare(quoted);
            if (!own.isEmpty() && ima.replayPaddedSha1(banks).compare(quoted).isEmpty()) {
                return;
            }
        } catch (EventLogException e) {
            reasons.add(new Reason(Step.EVENT_LOG, "the IMA log cannot be replayed: " + e.getMessage()));
            return;
        }
        for (PcrMismatch<ImaEntry> mismatch : own) {
            List<ImaEntry> changed = mismatch.events().stream().filter(e -> !e.digestMatchesData()).toList();
            String detail = changed.isEmpty() ? "" : "; entries whose data does not match their template digest"
                    + " (changed after the kernel measured them): " + listed(changed.stream()
                    .map(e -> "#" + e.number() + " " + e.templateName()).toList());
            reasons.add(new Reason(Step.EVENT_LOG, "the IMA log: " + mismatch + detail, Optional.of(mismatch)));
        }
    }

    private static String listed(List<String> events) {
        return events.stream().limit(MAX_EVENTS_NAMED).collect(Collectors.joining(", "))
                + (events.size() > MAX_EVENTS_NAMED ? " and " + (events.size() - MAX_EVENTS_NAMED) + " more" : "");
    }

    private static void reference(PcrValues reference, PcrValues proven, List<Reason> reasons) {
        HexFormat hex = HexFormat.of();
        for (TpmAlg bank : reference.banks()) {
            for (int index : reference.indexes(bank)) {
                byte[] want = reference.get(bank, index).orElseThrow();
                Optional<byte[]> got = proven.get(bank, index);
                String pcr = TpmAlg.describe(bank.value()) + " PCR " + index;
                if (got.isEmpty()) {
                    reasons.add(new Reason(Step.REFERENCE, pcr + " has a reference value but was not quoted"));
                } else if (!Arrays.equals(want, got.get())) {
                    reasons.add(new Reason(Step.REFERENCE, pcr + " is " + hex.formatHex(got.get())
                            + ", not its reference value " + hex.formatHex(want)));
                }
            }
        }
    }
}
