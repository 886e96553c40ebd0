package io.tpm4j.jca;

import io.tpm4j.jca.der.Pem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.ProviderException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * An alias of the {@code TPM} key store, a URI as tpm2-openssl's store takes them: {@code handle:0x81000001} (a
 * persistent key) or {@code file:/abs/path/key.pem} (a TSS2 PRIVATE KEY file). Also reads and writes the PEM
 * certificate chains kept for the aliases.
 */
sealed interface KeyStoreAlias {

    /** The most bytes a chain file may have: far more than any real chain, bounded so a hostile file cannot exhaust memory. */
    int MAX_CHAIN_BYTES = 1 << 20;

    /** The persistent key at {@code handle} (0x81000000 to 0x81FFFFFF). */
    record Handle(int handle) implements KeyStoreAlias {
        @Override
        public String toString() {
            return String.format("handle:0x%08x", handle);
        }
    }

    /** The key file at the absolute, normalised {@code path}; its chain is {@link #chainFile()}. */
    record KeyFile(Path path) implements KeyStoreAlias {
        /**
         * Where the chain of the key is kept: the key file's name with a final {@code .pem} replaced by
         * {@code .crt.pem}, else with {@code .crt.pem} appended ({@code key.pem} → {@code key.crt.pem}).
         */
        Path chainFile() {
            String name = path.getFileName().toString();
            String base = name.endsWith(".pem") ? name.substring(0, name.length() - 4) : name;
            return path.resolveSibling(base + ".crt.pem");
        }

        @Override
        public String toString() {
            return "file:" + path;
        }
    }

    /**
     * The alias {@code text} names, or empty if it is no alias of this store. {@code file:} takes an absolute path as
     * it is ({@code file:/a b/k.pem}) or a {@code file://} URI (percent-encoded); handles are hexadecimal with
     * {@code 0x} or decimal.
     */
    static Optional<KeyStoreAlias> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            if (text.regionMatches(true, 0, "handle:", 0, 7)) {
                String number = text.substring(7).strip().toLowerCase(Locale.ROOT);
                long value = number.startsWith("0x") ? Long.parseLong(number.substring(2), 16) : Long.parseLong(number);
                return value >>> 24 == 0x81 ? Optional.of(new Handle((int) value)) : Optional.empty();
            }
            if (text.regionMatches(true, 0, "file:", 0, 5)) {
                Path path = text.startsWith("file://") ? Path.of(URI.create(text)) : Path.of(text.substring(5));
                return path.isAbsolute() && path.getFileName() != null
                        ? Optional.of(new KeyFile(path.normalize())) : Optional.empty();
            }
        } catch (IllegalArgumentException e) { // also InvalidPathException
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** What {@link #parse} accepts, for error messages. */
    String FORMS = "'handle:0x81xxxxxx' (a persistent key) or 'file:/absolute/path/key.pem' (a TSS2 PRIVATE KEY file)";

    /** The certificates of a PEM (or DER) chain file, leaf first; empty if there is no file. */
    static Optional<Certificate[]> readChain(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            if (Files.size(file) > MAX_CHAIN_BYTES) {
                throw new ProviderException(file + ": larger than " + MAX_CHAIN_BYTES + " bytes, not a certificate chain");
            }
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)));
            if (certificates.isEmpty()) {
                throw new ProviderException(file + ": no certificate in the chain file");
            }
            return Optional.of(certificates.toArray(Certificate[]::new));
        } catch (IOException | CertificateException e) {
            throw new ProviderException(file + ": not a readable certificate chain: " + e.getMessage(), e);
        }
    }

    /** Replaces {@code file} by the chain as PEM CERTIFICATE blocks, atomically (a temporary file moved over it). */
    static void writeChain(Path file, Certificate[] chain) throws IOException, CertificateEncodingException {
        StringBuilder pem = new StringBuilder();
        for (Certificate c : chain) {
            pem.append(Pem.encode("CERTIFICATE", c.getEncoded()));
        }
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".chain", ".tmp");
        try {
            Files.writeString(temporary, pem, StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
