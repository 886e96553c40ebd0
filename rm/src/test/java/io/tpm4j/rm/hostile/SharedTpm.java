package io.tpm4j.rm.hostile;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.TpmChip;
import io.tpm4j.rm.WithResourceManager;

import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A private swtpm shared through a resource manager, as hostile-client tests use it: the chip's backend may be
 * wrapped (to answer what a TPM never would), and the raw TPM straight through its device shows what is really
 * loaded. Closing it closes the RM and, unless the chip was removed, fails when the TPM still holds anything.
 */
final class SharedTpm implements AutoCloseable {

    final Swtpm swtpm;
    final TpmChip chip;
    final ResourceManager rm;
    /** The TPM past the RM. */
    final Tpm raw;

    SharedTpm(ResourceManager.Options options) {
        this(options, LinuxTpmDevice.Options.defaults(), UnaryOperator.identity());
    }

    SharedTpm(ResourceManager.Options options, LinuxTpmDevice.Options device, UnaryOperator<TpmTransport> backend) {
        swtpm = Swtpm.startChardev(device);
        TpmTransport transport = swtpm.transport();
        raw = Tpm.on(transport::transmit);
        chip = TpmChip.over(backend.apply(transport), "swtpm");
        rm = ResourceManager.over(chip, options);
    }

    @Override
    public void close() {
        WithResourceManager.closeAndCheckNothingLeft(rm, chip, raw, swtpm);
    }

    static void assertNothingLoaded(Tpm raw) {
        WithResourceManager.assertNothingLoaded(raw);
    }

    /** Whether {@code e} is the resource manager's TPM_RC_SESSION_MEMORY (layer 11), not the TPM's. */
    static boolean isRmSessionMemory(TpmResponseException e) {
        ResponseCode code = e.responseCode();
        return code.layer() == ResponseCode.RESOURCE_MANAGER_LAYER && e.is(TpmRc.SESSION_MEMORY);
    }

    /** Sends a signal (STOP, CONT) to a process, such as swtpm, to make a TPM that does not answer for a while. */
    static void signal(String signal, int pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Integer.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal);
    }
}
