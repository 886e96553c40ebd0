package io.tpm4j.examples.https;

import io.tpm4j.jca.Tpm4jProvider;
import io.tpm4j.jca.TpmKeyGenParameterSpec;
import io.tpm4j.jca.TpmParent;
import io.tpm4j.jca.csr.CertificationRequest;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;

/**
 * What a device does once: an ECDSA P-256 key made in the TPM, a certificate request signed by it, the request
 * certified by a CA (here openssl with a throw-away CA's files), and the key stored as a TSS2 key file with its
 * certificate chain, through the {@code TPM} key store.
 */
final class Setup {

    /** The key has no password: TLS servers start unattended. */
    static final char[] NO_PASSWORD = new char[0];
    private static final long OPENSSL_TIMEOUT_SECONDS = 60;

    private Setup() {
    }

    static void run(String tpm, String alias, String caCertificate, String caKey) throws Exception {
        try (Tpm4jProvider provider = new Tpm4jProvider().configure(tpm)) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
            // Under the key file format's standard primary, which any TPM recreates alike: tpm2-openssl can use the
            // file too.
            generator.initialize(TpmKeyGenParameterSpec.ec("P-256").parent(TpmParent.keyFilePrimary()).build());
            KeyPair pair = generator.generateKeyPair();

            CertificationRequest request = CertificationRequest
                    .builder(new X500Principal("CN=localhost"), pair.getPublic())
                    .dnsName("localhost")
                    .ipAddress(InetAddress.getByName("127.0.0.1"))
                    .keyUsage(CertificationRequest.KeyUsage.DIGITAL_SIGNATURE)
                    .extendedKeyUsage(CertificationRequest.SERVER_AUTH)
                    .sign(Signature.getInstance("SHA256withECDSA", provider), pair.getPrivate());

            X509Certificate ca = readCertificate(Path.of(caCertificate));
            X509Certificate leaf = certify(request, Path.of(caCertificate), Path.of(caKey));
            KeyStore store = KeyStore.getInstance("TPM", provider);
            store.load(null, null);
            store.setKeyEntry(alias, pair.getPrivate(), NO_PASSWORD, new Certificate[] {leaf, ca});
            System.out.println("stored " + alias + " with its chain: " + leaf.getSubjectX500Principal() + " issued by "
                    + leaf.getIssuerX500Principal());
        }
    }

    /** The CA's certificate for the request: {@code openssl x509 -req}, the request's extensions copied. */
    private static X509Certificate certify(CertificationRequest request, Path caCertificate, Path caKey)
            throws IOException, InterruptedException, java.security.GeneralSecurityException {
        Path directory = Files.createTempDirectory("tpm4j-example-csr");
        Path csr = directory.resolve("request.csr.pem");
        Path certificate = directory.resolve("certificate.pem");
        try {
            Files.writeString(csr, request.toPem(), StandardCharsets.US_ASCII);
            Process openssl = new ProcessBuilder(List.of("openssl", "x509", "-req", "-in", csr.toString(),
                    "-CA", caCertificate.toString(), "-CAkey", caKey.toString(), "-CAcreateserial",
                    "-CAserial", directory.resolve("ca.srl").toString(), "-copy_extensions", "copy", "-days", "1",
                    "-sha256", "-out", certificate.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            if (!openssl.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                openssl.destroyForcibly();
                throw new IOException("openssl x509 -req did not finish within " + OPENSSL_TIMEOUT_SECONDS + " s");
            }
            if (openssl.exitValue() != 0) {
                throw new IOException("openssl x509 -req failed with exit status " + openssl.exitValue());
            }
            return readCertificate(certificate);
        } finally {
            for (String name : List.of("request.csr.pem", "certificate.pem", "ca.srl")) {
                Files.deleteIfExists(directory.resolve(name));
            }
            Files.deleteIfExists(directory);
        }
    }

    private static X509Certificate readCertificate(Path file) throws IOException, java.security.GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
