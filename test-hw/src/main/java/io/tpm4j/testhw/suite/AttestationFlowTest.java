package io.tpm4j.testhw.suite;

import io.tpm4j.attest.Attester;
import io.tpm4j.attest.Enrollment;
import io.tpm4j.attest.Evidence;
import io.tpm4j.attest.Pending;
import io.tpm4j.attest.Verdict;
import io.tpm4j.attest.Verifier;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.Needs;
import io.tpm4j.testhw.Permission;
import io.tpm4j.testhw.SuiteContext;
import io.tpm4j.testhw.Target;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole attestation flow on the TPM under test, both sides in this process: an AK created under the EK, the
 * credential the verifier makes for it activated, PCRs 0-7 (and 10 with IMA) quoted with the verifier's nonce, and
 * the kernel's measurement logs replayed to the quoted values. The verifier knows the EK by its public area (a fleet
 * that registered it): the kernel VM's TPM has no EK certificate to validate. Runs on a kernel TPM device whose
 * firmware measured the boot, and on a private swtpm (no firmware: PCRs 0-7 zero, no logs); skipped elsewhere, where
 * the PCRs have values no log here explains.
 */
@ExtendWith(LeakCheck.class)
@Needs({Permission.ENDORSEMENT, Permission.OWNER})
public class AttestationFlowTest {

    private final SuiteContext context = SuiteContext.current();

    @Test
    @DisplayName("attestation end to end: AK under the EK, credential activation, a quote the kernel's measurement "
            + "logs replay to, a verifier that knows the EK; a reused challenge is refused")
    void attestationEndToEnd() throws Exception {
        Attester attester = attesterForTarget();
        Enrollment enrollment = attester.enroll();
        Verifier verifier = Verifier.knowingEks(List.of(enrollment.ek()));
        Pending pending = verifier.start(enrollment);
        Evidence evidence = attester.respond(pending.challenge());
        Verdict verdict = pending.finish(evidence);
        assertInstanceOf(Verdict.Trusted.class, verdict, verdict.toString());

        Verdict again = pending.finish(evidence);
        assertFalse(again.trusted(), "a challenge answers once");
        assertTrue(((Verdict.Rejected) again).failed(Verdict.Step.CHALLENGE), again.toString());
    }

    /** The attester with the target's own measurement logs; the test is skipped where there are none to explain PCRs. */
    private Attester attesterForTarget() {
        Attester attester = Attester.on(context.tpm()).withFirmwareLog(Optional.empty()).withImaLog(Optional.empty());
        if (context.target() instanceof Target.PrivateSwtpm) {
            return attester;   // no firmware ran: PCRs 0-7 are zero, which an empty log replays to
        }
        int chip = MeasurementLogs.kernelChip(context.target()).orElse(-1);
        Assumptions.assumeTrue(chip >= 0, "applies to a private swtpm and to kernel TPM devices, whose measurement logs "
                + "explain their PCRs; the target is " + context.target());
        Path firmware = MeasurementLogs.firmwareLog(chip);
        Assumptions.assumeTrue(Files.isReadable(firmware), "no readable firmware event log at " + firmware
                + " (the firmware did not measure the boot, as qemu's qboot does not)");
        attester = attester.withFirmwareLog(Optional.of(firmware));
        if (chip == MeasurementLogs.IMA_CHIP && Files.isReadable(MeasurementLogs.IMA_LIST)) {
            attester = attester.withImaLog(Optional.of(MeasurementLogs.IMA_LIST));
        }
        return attester;
    }
}
