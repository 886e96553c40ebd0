package io.tpm4j.jca;

import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A TPM key for {@code KeyStore.setEntry} of the {@code TPM} key store, with or without a certificate chain: the JDK's
 * {@code setKeyEntry} and {@code PrivateKeyEntry} insist on a chain, and a key is usually stored before it is
 * certified (a request is made from the stored key, and the chain set later with {@code setKeyEntry}).
 *
 * @param chain leaf first; empty when the key has no certificate yet
 */
public record TpmKeyEntry(TpmKey key, List<Certificate> chain) implements KeyStore.Entry {

    public TpmKeyEntry {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
    }

    /** A key with no certificate yet. */
    public static TpmKeyEntry withoutChain(TpmKey key) {
        return new TpmKeyEntry(key, List.of());
    }
}
