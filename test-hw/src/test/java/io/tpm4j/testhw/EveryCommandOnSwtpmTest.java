package io.tpm4j.testhw;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.PermanentAttributes;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.testhw.suite.EveryCommandTest;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With everything permitted, every command swtpm advertises passes, and the TPM is left as it was found. */
class EveryCommandOnSwtpmTest {

    @Test
    void everyAdvertisedCommandPassesAndTheStateIsPutBack() {
        try (Target.Opened opened = new Target.PrivateSwtpm().open(EnumSet.allOf(Permission.class))) {
            Tpm tpm = opened.tpm();
            Map<Integer, Integer> before = tpm.allProperties();
            SuiteRunner.Result result = SuiteRunner.run(opened, EnumSet.allOf(Permission.class),
                    List.of(EveryCommandTest.class));
            List<SuiteRunner.Outcome> notPassed = result.outcomes().stream()
                    .filter(o -> o.status() != SuiteRunner.Status.PASSED).toList();
            assertEquals(List.of(), notPassed);
            assertEquals(tpm.commands().size(), result.count(SuiteRunner.Status.PASSED), "one test per command");

            Map<Integer, Integer> after = tpm.allProperties();
            for (TpmPt kept : List.of(TpmPt.MAX_AUTH_FAIL, TpmPt.LOCKOUT_INTERVAL, TpmPt.LOCKOUT_RECOVERY,
                    TpmPt.ALGORITHM_SET, TpmPt.STARTUP_CLEAR)) {
                assertEquals(before.get(kept.value()), after.get(kept.value()), kept.name());
            }
            assertEquals(0, after.get(TpmPt.PERMANENT.value()) & (PermanentAttributes.OWNER_AUTH_SET
                    | PermanentAttributes.DISABLE_CLEAR), "owner auth empty, TPM2_Clear allowed");
            CapabilityData.AuthPolicies policies = (CapabilityData.AuthPolicies) tpm.getCapability(
                    TpmCap.AUTH_POLICIES, TpmRh.OWNER, 1).data();
            assertEquals(TpmAlg.NULL.value(), policies.policies().getFirst().hashAlg(), "the owner has no policy again");
            assertEquals(List.of(), tpm.handles(TpmHt.NV_INDEX));
            assertEquals(List.of(), tpm.handles(TpmHt.PERSISTENT));
            assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT));
            assertEquals(List.of(), tpm.loadedSessions());
            assertArrayEquals(new byte[32], tpm.pcrValues(TpmAlg.SHA256, 16).get(16), "PCR 16 reset");
            assertTrue(tpm.getRandom(8).length == 8, "the TPM still answers");
        }
    }
}
