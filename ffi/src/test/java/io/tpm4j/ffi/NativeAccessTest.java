package io.tpm4j.ffi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without --enable-native-access the user gets one clear message naming the flag, and no JVM warning. */
class NativeAccessTest {

    @Test
    void missingFlagIsNamed() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(),
                Runtime.version().feature() >= 24 ? List.of("--illegal-native-access=warn") : List.of(),
                System.getProperty("java.class.path"), OpenProbe.class, "/dev/null");
        assertEquals(3, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("IllegalStateException"), r.stdout());
        assertTrue(r.stdout().contains("--enable-native-access=ALL-UNNAMED"), r.stdout());
        assertFalse(r.stderr().contains("WARNING"), r.stderr());
    }

    @Test
    void withTheFlagTheSameProbeOpensTheDevice() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(), List.of("--enable-native-access=ALL-UNNAMED"),
                System.getProperty("java.class.path"), OpenProbe.class, "/dev/null");
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertEquals("opened /dev/null", r.stdout().strip());
    }
}
