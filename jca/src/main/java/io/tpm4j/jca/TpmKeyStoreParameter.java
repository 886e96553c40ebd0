package io.tpm4j.jca;

import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code KeyStore.load} of the {@code TPM} key store can be given instead of {@code (null, null)}: a directory
 * where the certificate chains of {@code handle:} aliases are kept, as {@code handle-0x81000001.crt.pem}. Without
 * one, a persistent key's chain lives only as long as the key store object. ({@code file:} aliases keep their chain
 * next to the key file either way.)
 *
 * @param handleChains the directory for persistent keys' chains, if any
 */
public record TpmKeyStoreParameter(Optional<Path> handleChains) implements KeyStore.LoadStoreParameter {

    public TpmKeyStoreParameter {
        Objects.requireNonNull(handleChains, "handleChains");
    }

    /** Chains of persistent keys kept in {@code directory}. */
    public static TpmKeyStoreParameter handleChainsIn(Path directory) {
        return new TpmKeyStoreParameter(Optional.of(directory.toAbsolutePath()));
    }

    /** No protection: the key store itself has no password (each key may have its own). */
    @Override
    public KeyStore.ProtectionParameter getProtectionParameter() {
        return null;
    }
}
