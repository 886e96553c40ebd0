package io.tpm4j.jca.csr;

import io.tpm4j.jca.csr.CertificationRequest.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests signed with JDK software keys (the builder takes any Signature and PrivateKey, a TPM key through the
 * provider among them), checked by openssl: {@code req -verify} accepts the signature, {@code req -text} shows the
 * subject and extensions, and a test CA made with openssl issues a certificate from it that the JDK parses.
 */
class CertificationRequestTest {

    @TempDir
    Path dir;

    private static final X500Principal SUBJECT = new X500Principal("CN=device-17, O=tpm4j test, C=DE");

    private record Result(int exitCode, String output) {
    }

    private Result run(String... command) throws Exception {
        Path out = Files.createTempFile(dir, "openssl", ".out");
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private String succeed(String... command) throws Exception {
        Result r = run(command);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ":\n" + r.output());
        return r.output();
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private CertificationRequest request(KeyPair keys, Signature signature) throws Exception {
        return CertificationRequest.builder(SUBJECT, keys.getPublic()).dnsName("device-17.example")
                .dnsName("localhost").ipAddress(InetAddress.getByName("192.0.2.7"))
                .ipAddress(InetAddress.getByName("2001:db8::17"))
                .keyUsage(KeyUsage.DIGITAL_SIGNATURE, KeyUsage.KEY_AGREEMENT)
                .extendedKeyUsage(CertificationRequest.SERVER_AUTH, CertificationRequest.CLIENT_AUTH)
                .sign(signature, keys.getPrivate());
    }

    /** openssl verifies the request, reads back subject and extensions, and a CA issues a certificate the JDK parses. */
    private void opensslAcceptsAndACaIssues(KeyPair keys, Signature signature, String opensslSignatureName)
            throws Exception {
        CertificationRequest csr = request(keys, signature);
        Files.writeString(dir.resolve("csr.pem"), csr.toPem());
        String verified = succeed("openssl", "req", "-verify", "-noout", "-in", "csr.pem");
        assertTrue(verified.contains("verify OK"), verified);
        String text = succeed("openssl", "req", "-text", "-noout", "-in", "csr.pem");
        assertTrue(text.contains("Subject: C = DE, O = tpm4j test, CN = device-17"), text);
        assertTrue(text.contains("DNS:device-17.example, DNS:localhost, IP Address:192.0.2.7, IP Address:2001:DB8:0:0:0:0:0:17"),
                text);
        assertTrue(text.contains("Digital Signature, Key Agreement"), text);
        assertTrue(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"), text);
        assertTrue(text.contains("Signature Algorithm: " + opensslSignatureName), text);

        succeed("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=tpm4j test CA", "-days", "2");
        succeed("openssl", "x509", "-req", "-in", "csr.pem", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-copy_extensions", "copy", "-days", "1", "-out", "cert.pem");
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        X509Certificate cert;
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"));
             InputStream caIn = Files.newInputStream(dir.resolve("ca.pem"))) {
            cert = (X509Certificate) factory.generateCertificate(in);
            ca = (X509Certificate) factory.generateCertificate(caIn);
        }
        cert.verify(ca.getPublicKey());
        assertEquals(SUBJECT, cert.getSubjectX500Principal());
        assertEquals(keys.getPublic(), cert.getPublicKey());
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        assertTrue(names.contains(List.of(2, "device-17.example")), names.toString());
        assertTrue(names.contains(List.of(7, "192.0.2.7")), names.toString());
        assertTrue(cert.getKeyUsage()[0] && cert.getKeyUsage()[4] && !cert.getKeyUsage()[2]);
        assertEquals(List.of(CertificationRequest.SERVER_AUTH, CertificationRequest.CLIENT_AUTH),
                cert.getExtendedKeyUsage());
    }

    @Test
    void ecP256WithSha256() throws Exception {
        opensslAcceptsAndACaIssues(ec("secp256r1"), Signature.getInstance("SHA256withECDSA"), "ecdsa-with-SHA256");
    }

    @Test
    void ecP384WithSha384() throws Exception {
        opensslAcceptsAndACaIssues(ec("secp384r1"), Signature.getInstance("SHA384withECDSA"), "ecdsa-with-SHA384");
    }

    @Test
    void rsaWithSha256() throws Exception {
        opensslAcceptsAndACaIssues(rsa(), Signature.getInstance("SHA256withRSA"), "sha256WithRSAEncryption");
    }

    @Test
    void rsaPss() throws Exception {
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        opensslAcceptsAndACaIssues(rsa(), pss, "rsassaPss");
    }

    @Test
    void aRequestWithoutExtensionsHasAnEmptyAttributeSet() throws Exception {
        KeyPair keys = ec("secp256r1");
        CertificationRequest csr = CertificationRequest.builder(SUBJECT, keys.getPublic())
                .sign(Signature.getInstance("SHA256withECDSA"), keys.getPrivate());
        Files.writeString(dir.resolve("plain.pem"), csr.toPem());
        assertTrue(succeed("openssl", "req", "-verify", "-noout", "-in", "plain.pem").contains("verify OK"));
        assertTrue(succeed("openssl", "req", "-text", "-noout", "-in", "plain.pem").contains("Attributes:\n            (none)"));
    }

    @Test
    void aDamagedRequestFailsOpensslVerification() throws Exception {
        KeyPair keys = ec("secp256r1");
        byte[] der = request(keys, Signature.getInstance("SHA256withECDSA")).encoded();
        int subjectAt = indexOf(der, "device-17".getBytes(StandardCharsets.US_ASCII));
        der[subjectAt] ^= 1;
        Files.write(dir.resolve("damaged.der"), der);
        // openssl 3.0 exits with 0 either way (and says nothing with -noout): its words are the verdict.
        Result r = run("openssl", "req", "-verify", "-inform", "DER", "-in", "damaged.der", "-out", "/dev/null");
        assertTrue(r.output().contains("verify failure") && !r.output().contains("verify OK"), r.output());
    }

    @Test
    void aPrivateKeyThatDoesNotMatchThePublicKeyIsCaughtBeforeTheCa() throws Exception {
        KeyPair one = ec("secp256r1");
        KeyPair other = ec("secp256r1");
        PublicKey published = one.getPublic();
        assertThrows(SignatureException.class, () -> CertificationRequest.builder(SUBJECT, published)
                .sign(Signature.getInstance("SHA256withECDSA"), other.getPrivate()));
    }

    @Test
    void unknownAlgorithmsAndBadNamesAreRefused() throws Exception {
        KeyPair keys = rsa();
        assertThrows(java.security.NoSuchAlgorithmException.class, () -> CertificationRequest.builder(SUBJECT,
                keys.getPublic()).sign(Signature.getInstance("SHA1withRSA"), keys.getPrivate()));
        assertThrows(IllegalArgumentException.class, () -> CertificationRequest.builder(SUBJECT, keys.getPublic())
                .dnsName("bad name"));
        assertThrows(IllegalArgumentException.class, () -> CertificationRequest.builder(SUBJECT, keys.getPublic())
                .extendedKeyUsage("not.an.oid"));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
