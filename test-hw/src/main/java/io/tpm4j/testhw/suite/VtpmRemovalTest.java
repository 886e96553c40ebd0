package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmException;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.testhw.LeakCheck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The kernel's chip removal, driven through a vTPM proxy chip of its own (a private swtpm served on /dev/vtpmx):
 * clients holding /dev/tpmN and /dev/tpmrmN open get the removal error at once, nothing hangs, and the chip's
 * device nodes disappear. Needs root and the tpm_vtpm_proxy module; never touches the machine's TPM.
 */
@ExtendWith(LeakCheck.class)
public class VtpmRemovalTest {

    @Test
    @DisplayName("closing a vTPM proxy removes its chip: open clients get TpmDeviceRemovedException, the nodes go")
    void removal() throws Exception {
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(UnaryOperator.identity())) {
            Path rm = chip.resourceManager();
            Path raw = chip.raw();
            try (LinuxTpmDevice rmDevice = LinuxTpmDevice.open(rm); LinuxTpmDevice rawDevice = LinuxTpmDevice.open(raw)) {
                Tpm throughRm = Tpm.on(rmDevice);
                Tpm throughRaw = Tpm.on(rawDevice);
                assertEquals(16, throughRm.getRandom(16).length);
                assertEquals(16, throughRaw.getRandom(16).length);
                chip.proxy().close();
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                    assertThrows(TpmDeviceRemovedException.class, () -> throughRm.getRandom(16));
                    assertThrows(TpmDeviceRemovedException.class, () -> throughRaw.getRandom(16));
                    assertThrows(TpmDeviceRemovedException.class, () -> throughRm.getRandom(16), "stays removed");
                });
            }
            VtpmChips.awaitExists(rm, false);
            assertFalse(Files.exists(raw), raw + " is still there");
            assertThrows(TpmException.class, () -> LinuxTpmDevice.open(rm).close(), "reopening a removed chip");
        }
    }
}
