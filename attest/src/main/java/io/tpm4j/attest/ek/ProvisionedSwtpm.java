package io.tpm4j.attest.ek;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A swtpm state made the way a manufacturer's line would: {@code swtpm_setup --create-ek-cert --create-platform-cert}
 * with {@code swtpm_localca} as the CA, every file of it (the state, the CA, its configuration) in one directory.
 * Start a swtpm on a copy of {@link #state()} with {@code Swtpm.startChardev(Path)}; trust {@link #root()} with
 * {@link #issuer()} as intermediate. For {@code ./tpm4j attest --swtpm} and the tests.
 */
public final class ProvisionedSwtpm {

    private static final long TIMEOUT_SECONDS = 60;

    private final Path state;
    private final X509Certificate root;
    private final X509Certificate issuer;

    private ProvisionedSwtpm(Path state, X509Certificate root, X509Certificate issuer) {
        this.state = state;
        this.root = root;
        this.issuer = issuer;
    }

    /** Provisions a TPM state in {@code dir} (which must exist), with RSA-2048 and ECC P-384 EK certificates. */
    public static ProvisionedSwtpm create(Path dir) throws IOException {
        Path state = Files.createDirectories(dir.resolve("state"));
        Path ca = Files.createDirectories(dir.resolve("localca"));
        Files.writeString(dir.resolve("localca.conf"), "statedir = " + ca + "\nsigningkey = " + ca.resolve("signkey.pem")
                + "\nissuercert = " + ca.resolve("issuercert.pem") + "\ncertserial = " + ca.resolve("certserial") + "\n");
        Files.writeString(dir.resolve("localca.options"),
                "--platform-manufacturer tpm4j\n--platform-version 2.1\n--platform-model test\n");
        Files.writeString(dir.resolve("swtpm_setup.conf"), "create_certs_tool = /usr/bin/swtpm_localca\n"
                + "create_certs_tool_config = " + dir.resolve("localca.conf") + "\n"
                + "create_certs_tool_options = " + dir.resolve("localca.options") + "\nactive_pcr_banks = sha256\n");
        run(dir.resolve("swtpm_setup.log"), "swtpm_setup", "--tpm2", "--tpmstate", state.toString(),
                "--create-ek-cert", "--create-platform-cert", "--config", dir.resolve("swtpm_setup.conf").toString(),
                "--overwrite");
        return new ProvisionedSwtpm(state, pem(ca.resolve("swtpm-localca-rootca-cert.pem")),
                pem(ca.resolve("issuercert.pem")));
    }

    /** The TPM state directory, to start swtpm on a copy of. */
    public Path state() {
        return state;
    }

    /** swtpm_localca's root CA certificate. */
    public X509Certificate root() {
        return root;
    }

    /** The local CA's intermediate, which signed the EK certificates. */
    public X509Certificate issuer() {
        return issuer;
    }

    /** Runs {@code command} with its output in {@code log}; fails with that output unless it exits with 0. */
    public static void run(Path log, String... command) throws IOException {
        List<String> argv = List.of(command);
        Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(argv + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(argv + " interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(argv + " failed (" + process.exitValue() + "): "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    /** One certificate from a PEM (or DER) file. */
    public static X509Certificate pem(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (CertificateException e) {
            throw new IOException(file + " holds no X.509 certificate: " + e.getMessage(), e);
        }
    }
}
