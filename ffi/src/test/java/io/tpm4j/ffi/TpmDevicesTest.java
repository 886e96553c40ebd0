package io.tpm4j.ffi;

import io.tpm4j.api.TpmTransportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery over a sysfs-shaped tree (the real one is exercised in the kernel VM run). */
class TpmDevicesTest {

    @TempDir
    Path root;

    private Path sys() {
        return root.resolve("sys/class/tpm");
    }

    private Path dev() {
        return root.resolve("dev");
    }

    private void chip(int n, Integer major, boolean rm) throws IOException {
        Path entry = Files.createDirectories(sys().resolve("tpm" + n));
        if (major != null) {
            Files.writeString(entry.resolve("tpm_version_major"), major + "\n");
        }
        Files.createDirectories(dev());
        Files.writeString(dev().resolve("tpm" + n), "");
        if (rm) {
            Files.writeString(dev().resolve("tpmrm" + n), "");
        }
    }

    @Test
    void noSysfsMeansNoDevices() {
        assertEquals(List.of(), TpmDevices.list(sys(), dev()));
    }

    @Test
    void listsChipsInOrderWithTheirResourceManagers() throws IOException {
        chip(1, 2, true);
        chip(0, 1, false);
        Files.createDirectories(sys().resolve("not-a-tpm"));
        List<TpmDeviceInfo> found = TpmDevices.list(sys(), dev());
        assertEquals(2, found.size());
        assertEquals("tpm0", found.get(0).name());
        assertFalse(found.get(0).isTpm2());
        assertEquals(Optional.of(dev().resolve("tpmrm1")), found.get(1).resourceManager());
        assertTrue(found.get(1).isTpm2());
        assertEquals(Optional.of(dev().resolve("tpmrm1")), TpmDevices.defaultDevice(found));
    }

    @Test
    void olderKernelWithoutVersionFileStillFindsTheResourceManager() throws IOException {
        chip(0, null, true);
        assertEquals(Optional.of(dev().resolve("tpmrm0")), TpmDevices.defaultDevice(TpmDevices.list(sys(), dev())));
    }

    @Test
    void neverFallsBackToTheRawDevice() throws IOException {
        chip(0, 2, false);
        assertEquals(Optional.empty(), TpmDevices.defaultDevice(TpmDevices.list(sys(), dev())));
    }

    @Test
    void thisMachineAnswersConsistently() {
        List<TpmDeviceInfo> real = TpmDevices.list();
        if (real.isEmpty()) {
            TpmTransportException e = org.junit.jupiter.api.Assertions.assertThrows(TpmTransportException.class,
                    TpmDevices::requireDefaultDevice);
            assertTrue(e.getMessage().contains("no TPM"), e.getMessage());
        } else {
            assertEquals(TpmDevices.defaultDevice(), TpmDevices.defaultDevice(real));
        }
    }
}
