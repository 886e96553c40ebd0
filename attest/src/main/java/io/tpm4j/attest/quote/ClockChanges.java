package io.tpm4j.attest.quote;

import java.util.ArrayList;
import java.util.List;

/** What changed between two attestations' clocks: findings for the verifier's policy, never failures. */
final class ClockChanges {

    private ClockChanges() {
    }

    /** The findings about one attestation's clock alone. */
    static List<ClockFinding> current(ClockInfo now) {
        List<ClockFinding> findings = new ArrayList<>();
        if (!now.safe()) {
            findings.add(new ClockFinding(ClockFinding.Kind.CLOCK_NOT_SAFE, "TPMS_CLOCK_INFO.safe is NO at clock "
                    + Long.toUnsignedString(now.clock())));
        }
        return findings;
    }

    static List<ClockFinding> between(ClockInfo before, ClockInfo now) {
        List<ClockFinding> findings = current(now);
        // The counters are unsigned 32-bit values in the TPM.
        int resets = Integer.compareUnsigned(now.resetCount(), before.resetCount());
        if (resets > 0) {
            findings.add(new ClockFinding(ClockFinding.Kind.REBOOTED, "resetCount " + count(before.resetCount())
                    + " -> " + count(now.resetCount())));
        } else if (resets < 0) {
            findings.add(new ClockFinding(ClockFinding.Kind.RESET_COUNT_WENT_BACK, "resetCount "
                    + count(before.resetCount()) + " -> " + count(now.resetCount())));
        } else if (now.restartCount() != before.restartCount()) {
            findings.add(new ClockFinding(ClockFinding.Kind.RESTARTED, "restartCount "
                    + count(before.restartCount()) + " -> " + count(now.restartCount())));
        }
        if (Long.compareUnsigned(now.clock(), before.clock()) < 0) {
            findings.add(new ClockFinding(ClockFinding.Kind.CLOCK_WENT_BACK, "clock "
                    + Long.toUnsignedString(before.clock()) + " -> " + Long.toUnsignedString(now.clock())));
        }
        return findings;
    }

    private static String count(int value) {
        return Integer.toUnsignedString(value);
    }
}
