package io.tpm4j.testhw;

import io.tpm4j.testhw.suite.EventLogTest;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link EventLogTest} on a target that is not a kernel device: each of its checks is skipped, saying why. */
class EventLogSkipTest {

    @Test
    void onAPrivateSwtpmEveryLogCheckIsSkippedBecauseTheLogsAreTheKernels() {
        try (Target.Opened opened = new Target.PrivateSwtpm().open(EnumSet.noneOf(Permission.class))) {
            SuiteRunner.Result result = SuiteRunner.run(opened, EnumSet.allOf(Permission.class),
                    List.of(EventLogTest.class));
            assertEquals(3, result.outcomes().size(), result.outcomes().toString());
            for (SuiteRunner.Outcome outcome : result.outcomes()) {
                assertEquals(SuiteRunner.Status.SKIPPED, outcome.status(), outcome.toString());
                assertTrue(outcome.reason().contains("applies to kernel TPM devices")
                        && outcome.reason().contains("a private swtpm"), outcome.reason());
            }
        }
    }
}
