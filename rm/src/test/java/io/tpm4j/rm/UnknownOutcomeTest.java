package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A command that times out may still run: here swtpm is stopped while TPM2_CreatePrimary is on its way, the
 * client gets the timeout, and swtpm then creates the object anyway. The RM re-reads the TPM before the next
 * command and flushes the object nobody can name. And a space closed from an interrupted thread still flushes.
 */
class UnknownOutcomeTest {

    @Test
    void anObjectCreatedByACommandThatTimedOutIsFlushed() throws Exception {
        try (Swtpm swtpm = Swtpm.startChardev(LinuxTpmDevice.Options.defaults().withTimeout(Duration.ofMillis(500)))) {
            Tpm raw = Tpm.on(swtpm.transport()::transmit);
            TpmChip chip = TpmChip.over(swtpm.transport(), "swtpm");
            ResourceManager rm = ResourceManager.over(chip);
            try (Space space = rm.openSpace("timed-out")) {
                Tpm tpm = Tpm.on(space);
                TpmObject kept = tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
                RmTesting.signal("STOP", swtpm.pid());
                try {
                    assertThrows(TpmTimeoutException.class, () -> tpm.createPrimary(TpmRh.OWNER,
                            Templates.srkEccP256()));
                } finally {
                    RmTesting.signal("CONT", swtpm.pid());
                }
                // The next command through the RM finds the orphan and flushes it; the kept key is untouched.
                tpm.sign(kept, RmTesting.sha256("after the timeout"));
                assertEquals(List.of(kept.handle()), tpm.handles(TpmHt.TRANSIENT));
                assertEquals(1, raw.handles(TpmHt.TRANSIENT).size(), "only the kept key is in the TPM");
            }
            rm.close();
            WithResourceManager.assertNothingLoaded(raw);
            chip.close();
        }
    }

    @Test
    void aSpaceClosedFromAnInterruptedThreadStillFlushes() throws Exception {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            Tpm raw = Tpm.on(swtpm.transport()::transmit);
            TpmChip chip = TpmChip.over(swtpm.transport(), "swtpm");
            ResourceManager rm = ResourceManager.over(chip);
            Space space = rm.openSpace("interrupted");
            Tpm.on(space).createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
            Thread closer = Thread.ofPlatform().start(() -> {
                Thread.currentThread().interrupt();
                space.close();
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
            });
            closer.join(10_000);
            assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT));
            chip.close();
        }
    }
}
