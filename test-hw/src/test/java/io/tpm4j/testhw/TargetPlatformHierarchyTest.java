package io.tpm4j.testhw;

import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.HierarchyControl;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.StartupClearAttributes;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./tpm4j check --swtpm} starts its swtpm as firmware would: the platform hierarchy is disabled after
 * TPM2_Startup unless {@code --permit platform} asks for the tests that use it.
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

    private static int phEnable(Target.Opened opened) {
        return opened.tpm().allProperties().get(TpmPt.STARTUP_CLEAR.value()) & StartupClearAttributes.PH_ENABLE;
    }
}
