package io.tpm4j.testhw;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LeakCheck} fails a hardware test that leaves an object loaded, and only that test. */
class LeakCheckTest {

    /** Run by the suite runner below, not by Surefire (it needs a suite context). */
    @ExtendWith(LeakCheck.class)
    public static class Leaky {
        @Test
        void leavesAPrimaryLoaded() {
            SuiteContext.current().tpm().createPrimary(TpmRh.OWNER, Templates.srkEccP256());
        }

        @Test
        void flushesWhatItLoads() {
            SuiteContext.current().tpm().createPrimary(TpmRh.OWNER, Templates.srkEccP256()).close();
        }
    }

    @Test
    void aTestThatLeavesAnObjectLoadedFails() {
        try (Target.Opened opened = new Target.PrivateSwtpm().open(EnumSet.noneOf(Permission.class))) {
            SuiteRunner.Result result = SuiteRunner.run(opened, EnumSet.noneOf(Permission.class), List.of(Leaky.class));
            SuiteRunner.Outcome leaky = result.outcomes().stream().filter(o -> o.name().startsWith("leaves")).findFirst()
                    .orElseThrow();
            SuiteRunner.Outcome clean = result.outcomes().stream().filter(o -> o.name().startsWith("flushes")).findFirst()
                    .orElseThrow();
            assertEquals(SuiteRunner.Status.FAILED, leaky.status(), leaky.toString());
            assertTrue(leaky.reason().contains("left handles loaded: [0x80"), leaky.reason());
            assertEquals(SuiteRunner.Status.PASSED, clean.status(), clean.toString());
            Tpm tpm = opened.tpm();
            for (int handle : tpm.handles(TpmHt.TRANSIENT)) {
                tpm.execute(new io.tpm4j.api.commands.FlushContext(handle));
            }
        }
    }
}
