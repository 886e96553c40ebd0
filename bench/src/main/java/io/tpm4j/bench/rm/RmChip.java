package io.tpm4j.bench.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.TpmChip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A private swtpm chardev behind a chip and a resource manager, for the RM benchmarks. */
final class RmChip implements AutoCloseable {

    final Swtpm swtpm;
    final TpmChip chip;
    final ResourceManager rm;
    private final Thread cleanup;

    RmChip(ResourceManager.Options options) {
        swtpm = Swtpm.startChardev();
        // Stops swtpm even when the forked VM is ended before its tear-down runs.
        cleanup = new Thread(swtpm::close, "tpm4j-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        chip = TpmChip.over(swtpm.transport(), "swtpm");
        rm = ResourceManager.over(chip, options);
    }

    static ResourceManager.Options options(String swapping) {
        return ResourceManager.Options.defaults().withSwapping(ResourceManager.Swapping.valueOf(swapping));
    }

    static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** swtpm answers the first ECDSA signature after startup with TPM_RC_RETRY; set-up pays for it. */
    static void warmUp(Tpm tpm, TpmObject key) {
        tpm.sign(key, digest("warm-up"));
    }

    @Override
    public void close() {
        rm.close();
        chip.close();
        swtpm.close();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway; closing twice is harmless.
        }
    }
}
