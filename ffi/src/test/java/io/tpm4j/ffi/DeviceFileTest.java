package io.tpm4j.ffi;

import io.tpm4j.api.TpmTransportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DeviceFile's one-syscall calls, on a FIFO (this machine has no TPM device; the hardware suite's DeviceTest
 * uses it on the kernel's devices): partial reads, poll, and failures that name the file, syscall and errno.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeviceFileTest {

    @TempDir
    Path dir;

    private Path fifo() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        return fifo;
    }

    @Test
    void readsInPiecesAndPollsWhatIsThere() throws Exception {
        byte[] message = new byte[20];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) i;
        }
        try (DeviceFile file = DeviceFile.open(fifo(), true)) {
            DeviceFile.Readiness empty = file.readiness();
            assertTrue(!empty.readable() && empty.writable(), "nothing written yet: " + empty);
            long start = System.nanoTime();
            assertFalse(file.awaitReadable(Duration.ofMillis(200)).readable(), "still nothing to read");
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(150).toNanos(), "awaitReadable waited");
            assertEquals(20, file.write(message));
            DeviceFile.Readiness ready = file.awaitReadable(Duration.ofSeconds(5));
            assertTrue(ready.readable() && !ready.error() && !ready.hangup(), ready.toString());
            assertArrayEquals(java.util.Arrays.copyOf(message, 6), file.read(6));
            assertArrayEquals(java.util.Arrays.copyOfRange(message, 6, 20), file.read(4096));
            assertEquals(0, file.read(0).length);
            // A FIFO says EAGAIN where a TPM device returns 0 bytes: the call's own result, not smoothed over.
            TpmTransportException drained = assertThrows(TpmTransportException.class, () -> file.read(4096));
            assertTrue(drained.getMessage().contains("read") && drained.getMessage().contains("EAGAIN")
                    && drained.getMessage().contains(dir.toString()), drained.getMessage());
        }
    }

    @Test
    void badInputIsNamed() throws Exception {
        TpmTransportException missing = assertThrows(TpmTransportException.class,
                () -> DeviceFile.open(dir.resolve("tpm9"), true));
        assertTrue(missing.getMessage().contains("tpm9") && missing.getMessage().contains("ENOENT"), missing.getMessage());
        DeviceFile file = DeviceFile.open(fifo(), false);
        assertThrows(IllegalArgumentException.class, () -> file.write(new byte[4097]));
        assertThrows(IllegalArgumentException.class, () -> file.read(4097));
        file.close();
        file.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> file.read(10));
        assertTrue(closed.getMessage().contains("fifo"), closed.getMessage());
    }
}
