package io.tpm4j.rm;

import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A private swtpm (3 object slots, 3 session slots) behind a chip and a resource manager. After each test the
 * RM is closed and the raw TPM must hold no transient object and no session.
 */
public abstract class WithResourceManager {

    Swtpm swtpm;
    TpmChip chip;
    ResourceManager rm;
    /** The TPM straight through its device, past the RM: what is really loaded. */
    Tpm raw;

    ResourceManager.Options options() {
        return ResourceManager.Options.defaults();
    }

    /**
     * What becomes of the platform hierarchy when the TPM is started: disabled, as the RM does when it starts a
     * TPM itself; tests that use it as a test rig would (TPM2_Clear with the platform's authorisation) keep it.
     */
    PlatformHierarchy platformHierarchy() {
        return PlatformHierarchy.DISABLE;
    }

    @BeforeEach
    void startTpmAndResourceManager() {
        swtpm = Swtpm.startChardev();
        TpmTransport device = swtpm.transport();
        raw = Tpm.on(device::transmit);
        platformHierarchy().startupIfNeeded(raw);
        chip = TpmChip.over(device, "swtpm");
        rm = ResourceManager.over(chip, options());
    }

    @AfterEach
    void closeAndCheckNothingLeft() {
        closeAndCheckNothingLeft(rm, chip, raw, swtpm);
    }

    /** Closes the RM, checks (unless the chip was removed) that the raw TPM holds nothing, then stops it all. */
    public static void closeAndCheckNothingLeft(ResourceManager rm, TpmChip chip, Tpm raw, Swtpm swtpm) {
        try {
            rm.close();
            if (!chip.isRemoved()) {
                assertNothingLoaded(raw);
            }
        } finally {
            chip.close();
            swtpm.close();
        }
    }

    public static void assertNothingLoaded(Tpm raw) {
        assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT), "transient objects left in the TPM");
        assertEquals(List.of(), raw.loadedSessions(), "loaded sessions left in the TPM");
        assertEquals(List.of(), raw.savedSessions(), "saved sessions left in the TPM");
    }
}
