package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.Space;
import io.tpm4j.rm.TpmChip;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a Sign costs the TPM behind each resource manager, counted where the TPM is: a vTPM-proxy chip whose
 * "TPM" is a private swtpm behind a counter, so the kernel's /dev/tpmrmN and tpm4j's RM over /dev/tpmN of the
 * same chip are measured alike. Needs root and the tpm_vtpm_proxy module; never touches the machine's TPM.
 */
@ExtendWith(LeakCheck.class)
public class SwappingCostTest {

    private static final int SIGNS = 20;

    @Test
    @DisplayName("TPM commands per Sign with an SRK and a key loaded: the kernel's /dev/tpmrmN vs tpm4j's RM")
    void tpmCommandsPerSign() throws Exception {
        AtomicLong commands = new AtomicLong();
        UnaryOperator<TpmTransport> counted = backend -> command -> {
            commands.incrementAndGet();
            return backend.transmit(command);
        };
        try (VtpmChips.Chip chip = VtpmChips.Chip.start(counted)) {
            double kernel;
            try (LinuxTpmDevice device = LinuxTpmDevice.open(chip.resourceManager())) {
                kernel = perSign(Tpm.on(device), commands);
            }
            double tpm4j;
            try (TpmChip backend = chip.forTpm4j(); ResourceManager rm = ResourceManager.over(backend);
                 Space space = rm.openSpace("swapping cost")) {
                tpm4j = perSign(Tpm.on(space), commands);
            }
            SuiteContext.current().observe("TPM commands per TPM2_Sign (SRK and key loaded in the client)",
                    String.format("kernel /dev/tpmrmN %.1f, tpm4j's RM %.1f", kernel, tpm4j));
            assertEquals(1.0, tpm4j, 0.01, "tpm4j's RM sends the Sign alone");
            // The kernel loads every object of the space before each command and saves and flushes them after.
            assertTrue(kernel >= 3.9, "the kernel's RM around each Sign: " + kernel);
        }
    }

    /** TPM commands per Sign over {@link #SIGNS} signatures with one loaded key, counted at the TPM. */
    private static double perSign(Tpm tpm, AtomicLong commands) throws Exception {
        tpm.startupIfNeeded();
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(new byte[] {1});
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()))) {
            tpm.sign(key, digest);
            long before = commands.get();
            for (int i = 0; i < SIGNS; i++) {
                tpm.sign(key, digest);
            }
            return (commands.get() - before) / (double) SIGNS;
        }
    }
}
