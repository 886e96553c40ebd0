package io.tpm4j.jca;

import io.tpm4j.api.commands.StirRandom;

import java.io.Serial;
import java.security.SecureRandomSpi;
import java.util.Arrays;

/**
 * Random bytes from the TPM's generator (TPM2_GetRandom, at most 64 bytes per command, as many commands as a request
 * takes). {@code setSeed} stirs the caller's bytes into the TPM's generator state (TPM2_StirRandom, 128 bytes per
 * command): it adds to the TPM's entropy, never replaces it. Thread-safe.
 */
final class TpmSecureRandom extends SecureRandomSpi {

    @Serial
    private static final long serialVersionUID = 1L;
    /** TPM2_StirRandom takes up to 128 bytes. */
    private static final int STIR_MAX = 128;

    private final transient Tpm4jProvider provider;

    TpmSecureRandom(Tpm4jProvider provider) {
        this.provider = provider;
    }

    @Override
    protected void engineSetSeed(byte[] seed) {
        for (int offset = 0; offset < seed.length; offset += STIR_MAX) {
            provider.connection().tpm().execute(new StirRandom(Arrays.copyOfRange(seed, offset,
                    Math.min(seed.length, offset + STIR_MAX))));
        }
    }

    @Override
    protected void engineNextBytes(byte[] bytes) {
        byte[] random = provider.connection().tpm().getRandom(bytes.length);
        System.arraycopy(random, 0, bytes, 0, bytes.length);
        Arrays.fill(random, (byte) 0);
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
        return provider.connection().tpm().getRandom(numBytes);
    }
}
