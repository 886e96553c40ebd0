package io.tpm4j.testhw.suite;

import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the tests that make a vTPM-proxy chip of their own share: the skip when they cannot, and the wait for nodes. */
final class VtpmChips {

    private VtpmChips() {
    }

    /** Skips the test, saying why, unless /dev/vtpmx and swtpm are both there. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/vtpmx")), "needs /dev/vtpmx (modprobe tpm_vtpm_proxy, as root)");
        Assumptions.assumeTrue(Swtpm.isInstalled(), "needs swtpm to serve the proxy chip");
    }

    /** The kernel registers and removes a chip's device nodes asynchronously: waits up to 20 s for the change. */
    static void awaitExists(Path node, boolean exists) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Files.exists(node) != exists && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(exists, Files.exists(node), node + (exists ? " did not appear" : " did not disappear"));
    }
}
