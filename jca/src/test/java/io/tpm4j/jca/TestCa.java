package io.tpm4j.jca;

import io.tpm4j.jca.csr.CertificationRequest;

import javax.security.auth.x500.X500Principal;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A test certificate authority made with openssl in a directory ({@code ca.pem}, {@code ca.key}), issuing certificates
 * for TPM keys from requests the CSR builder signs through the provider; and a runner for the openssl processes, each
 * with a timeout.
 */
public final class TestCa {

    public record Result(int exitCode, String output) {
    }

    private final Path dir;
    private final X509Certificate certificate;

    private TestCa(Path dir, X509Certificate certificate) {
        this.dir = dir;
        this.certificate = certificate;
    }

    /** A new EC P-256 CA in {@code dir}. */
    public static TestCa create(Path dir) throws Exception {
        succeed(dir, Map.of(), 60, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=tpm4j test CA", "-days", "2");
        return new TestCa(dir, read(dir.resolve("ca.pem")));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public Path pem() {
        return dir.resolve("ca.pem");
    }

    /**
     * A certificate for {@code publicKey} issued from a request signed with {@code signature} and {@code privateKey}
     * (a TPM key through the provider); openssl req -verify must accept the request. Returns leaf and CA.
     */
    public X509Certificate[] issue(String name, PublicKey publicKey, Signature signature, PrivateKey privateKey)
            throws Exception {
        CertificationRequest csr = CertificationRequest.builder(new X500Principal("CN=" + name), publicKey)
                .dnsName("localhost").ipAddress(java.net.InetAddress.getByName("127.0.0.1"))
                .extendedKeyUsage(CertificationRequest.SERVER_AUTH, CertificationRequest.CLIENT_AUTH)
                .sign(signature, privateKey);
        Files.writeString(dir.resolve(name + ".csr"), csr.toPem());
        String verified = succeed(dir, Map.of(), 60, "openssl", "req", "-verify", "-noout", "-in", name + ".csr");
        assertTrue(verified.contains("verify OK"), verified);
        succeed(dir, Map.of(), 60, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-copy_extensions", "copy", "-days", "1", "-out", name + ".crt");
        X509Certificate leaf = read(dir.resolve(name + ".crt"));
        leaf.verify(certificate.getPublicKey());
        assertEquals(publicKey, leaf.getPublicKey());
        return new X509Certificate[] {leaf, certificate};
    }

    private static X509Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Runs a program in {@code dir} with no input, killed (and the test failed) after {@code seconds}. */
    public static Result run(Path dir, Map<String, String> environment, int seconds, String... command) throws Exception {
        Path output = Files.createTempFile(dir, "process", ".out");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + seconds + " s:\n"
                    + Files.readString(output));
        }
        return new Result(p.exitValue(), Files.readString(output));
    }

    public static String succeed(Path dir, Map<String, String> environment, int seconds, String... command)
            throws Exception {
        Result r = run(dir, environment, seconds, command);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ":\n" + r.output());
        return r.output();
    }
}
