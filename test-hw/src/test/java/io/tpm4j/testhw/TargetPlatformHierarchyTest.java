package io.tpm4j.testhw;

import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.HierarchyChangeAuth;
import io.tpm4j.api.commands.HierarchyControl;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.StartupClearAttributes;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./tpm4j check --swtpm} starts its swtpm as firmware would: the platform hierarchy is disabled after
 * TPM2_Startup unless {@code --permit platform} asks for the tests that use it. On a TPM whose firmware took the
 * platform hierarchy, the tests that use it are skipped, saying why, even with {@code --permit platform}.
 */
class TargetPlatformHierarchyTest {

    @Test
    void aPrivateSwtpmHasItsPlatformHierarchyDisabledUnlessPlatformIsPermitted() {
        try (Target.Opened opened = new Target.PrivateSwtpm().open(EnumSet.complementOf(EnumSet.of(Permission.PLATFORM)))) {
            assertEquals(0, phEnable(opened));
            TpmResponseException e = assertThrows(TpmResponseException.class, () -> opened.tpm().execute(
                    new HierarchyControl(TpmRh.PLATFORM, Authorization.emptyPassword(), TpmRh.OWNER, false)));
            assertTrue(e.is(TpmRc.HIERARCHY), e.getMessage());
        }
        try (Target.Opened opened = new Target.PrivateSwtpm().open(Set.of(Permission.PLATFORM))) {
            assertEquals(StartupClearAttributes.PH_ENABLE, phEnable(opened));
            assertTrue(PlatformHierarchy.isOpen(opened.tpm()), "--permit platform keeps the empty platform password");
        }
    }

    /** Run by the suite runner below, not by Surefire (it needs a suite context). */
    public static class UsesThePlatformHierarchy {
        @Test
        @Needs(Permission.PLATFORM)
        void disablesAndEnablesTheEndorsementHierarchy() {
            var tpm = SuiteContext.current().tpm();
            tpm.execute(new HierarchyControl(TpmRh.PLATFORM, Authorization.emptyPassword(), TpmRh.ENDORSEMENT, false));
            tpm.execute(new HierarchyControl(TpmRh.PLATFORM, Authorization.emptyPassword(), TpmRh.ENDORSEMENT, true));
        }
    }

    @Test
    void platformTestsAreSkippedSayingWhyWhereFirmwareSetThePlatformPassword() {
        try (Target.Opened opened = new Target.PrivateSwtpm().open(Set.of(Permission.PLATFORM))) {
            SuiteRunner.Outcome open = runPlatformTest(opened);
            assertEquals(SuiteRunner.Status.PASSED, open.status(), open.toString());

            // What SeaBIOS and UEFI do after TPM2_Startup: a random platform password nobody else learns.
            opened.tpm().execute(new HierarchyChangeAuth(TpmRh.PLATFORM, Authorization.emptyPassword(),
                    opened.tpm().getRandom(16)));
            SuiteRunner.Outcome taken = runPlatformTest(opened);
            assertEquals(SuiteRunner.Status.SKIPPED, taken.status(), taken.toString());
            assertTrue(taken.reason().contains("the platform hierarchy does not take the empty password"),
                    taken.reason());
        }
    }

    private static SuiteRunner.Outcome runPlatformTest(Target.Opened opened) {
        List<SuiteRunner.Outcome> outcomes = SuiteRunner.run(opened, Set.of(Permission.PLATFORM),
                List.of(UsesThePlatformHierarchy.class)).outcomes();
        assertEquals(1, outcomes.size(), outcomes.toString());
        return outcomes.getFirst();
    }

    private static int phEnable(Target.Opened opened) {
        return opened.tpm().allProperties().get(TpmPt.STARTUP_CLEAR.value()) & StartupClearAttributes.PH_ENABLE;
    }
}
