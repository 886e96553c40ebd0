package io.tpm4j.ffi;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTransportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** open() failures name the path, the syscall and errno, and say what to do. */
class OpenErrorsTest {

    @TempDir
    Path dir;

    @Test
    void missingPath() {
        Path missing = dir.resolve("tpmrm7");
        TpmTransportException e = assertThrows(TpmTransportException.class, () -> LinuxTpmDevice.open(missing));
        assertEquals("ENOENT", e.errno().orElseThrow());
        assertEquals("open", e.syscall().orElseThrow());
        assertEquals(missing.toString(), e.device());
        assertTrue(e.getMessage().startsWith(missing + ": open failed with ENOENT: "), e.getMessage());
        assertTrue(e.getMessage().contains("driver is not loaded"), e.getMessage());
    }

    @Test
    void directory() {
        TpmTransportException e = assertThrows(TpmTransportException.class, () -> LinuxTpmDevice.open(dir));
        assertEquals("EISDIR", e.errno().orElseThrow());
        assertTrue(e.getMessage().contains("is a directory, not a TPM device"), e.getMessage());
    }

    @Test
    void permissionDeniedNamesTheTssGroup() throws Exception {
        Path device = dir.resolve("tpmrm0");
        Files.writeString(device, "");
        Files.setPosixFilePermissions(device, PosixFilePermissions.fromString("rw-------"));
        boolean root = "root".equals(System.getProperty("user.name"));
        String message;
        if (root) {
            // Root ignores file permissions: ask the kernel as 'nobody' in a child JVM.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path cp = Files.createDirectory(dir.resolve("cp"));
            ChildJvm.Result r = ChildJvm.run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                    List.of("--enable-native-access=ALL-UNNAMED"), ChildJvm.worldReadableClassPath(cp),
                    OpenProbe.class, device.toString());
            assertEquals(3, r.exitCode(), r.stdout() + r.stderr());
            assertTrue(r.stdout().startsWith("TpmTransportException"), r.stdout());
            message = r.stdout();
        } else {
            message = assertThrows(TpmTransportException.class, () -> LinuxTpmDevice.open(device)).getMessage();
        }
        assertTrue(message.contains(device + ": open failed with EACCES"), message);
        assertTrue(message.contains("'tss' group"), message);
    }

    @Test
    void characterDeviceThatIsNotATpmFailsOnTransmitNotOpen() {
        // /dev/null opens fine, polls readable and reads nothing: an empty response, reported as such.
        try (LinuxTpmDevice nul = LinuxTpmDevice.open(Path.of("/dev/null"),
                LinuxTpmDevice.Options.defaults().withTimeout(java.time.Duration.ofMillis(200)))) {
            byte[] getRandom = {(byte) 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7B, 0, 8};
            TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> nul.transmit(getRandom));
            assertTrue(e.getMessage().contains("/dev/null: the device returned an empty response"), e.getMessage());
        }
    }
}
