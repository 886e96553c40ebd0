package io.tpm4j.ffi;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwtpmLauncherTest {

    @Test
    void missingSwtpmIsAClearError() throws Exception {
        ChildJvm.Result r = ChildJvm.run(Map.of("PATH", "/nonexistent"), List.of(),
                List.of("--enable-native-access=ALL-UNNAMED"), System.getProperty("java.class.path"), SwtpmProbe.class);
        assertEquals(3, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("swtpm is not installed"), r.stdout());
        assertTrue(r.stdout().contains("apt-get install swtpm swtpm-tools"), r.stdout());
    }

    @Test
    void processIsReapedAfterCloseAndCloseIsIdempotent() throws Exception {
        Swtpm sw = Swtpm.startChardev();
        int pid = sw.pid();
        assertTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/" + pid)));
        sw.close();
        assertTrue(sw.hasExited());
        assertTrue(SwtpmProcesses.running().stream().noneMatch(p -> p.startsWith(pid + ":")));
        sw.close();
    }
}
