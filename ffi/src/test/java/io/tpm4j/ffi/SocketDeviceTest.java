package io.tpm4j.ffi;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmTransportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LinuxTpmDevice#connect}: a Unix socket that carries raw TPM commands, driven like a device. */
class SocketDeviceTest {

    @TempDir
    Path dir;

    @Test
    void aSwtpmSocketWorksLikeADeviceUntilItsProcessDies() throws Exception {
        try (Swtpm swtpm = Swtpm.startSocketServer();
             LinuxTpmDevice device = LinuxTpmDevice.connect(swtpm.socketPath().orElseThrow(), LinuxTpmDevice.Options.defaults())) {
            Tpm tpm = Tpm.on(device);
            tpm.startupIfNeeded();
            assertEquals(16, tpm.getRandom(16).length);
            assertTrue(device.name().startsWith("unix:"), device.name());
            Process kill = new ProcessBuilder("kill", "-KILL", Integer.toString(swtpm.pid())).start();
            assertEquals(0, kill.waitFor());
            assertThrows(TpmDeviceRemovedException.class, () -> tpm.getRandom(16));
        }
    }

    @Test
    void aSocketNobodyServesIsNamedWithTheErrno() {
        TpmTransportException missing = assertThrows(TpmTransportException.class,
                () -> LinuxTpmDevice.connect(dir.resolve("nothing.sock"), LinuxTpmDevice.Options.defaults()));
        assertTrue(missing.getMessage().contains("connect") && missing.getMessage().contains("ENOENT")
                && missing.getMessage().contains("nothing.sock"), missing.getMessage());
    }
}
