package io.tpm4j.attest.ek;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * A TPM state made the way a manufacturer's line would: {@code swtpm_setup --create-ek-cert --create-platform-cert}
 * with {@code swtpm_localca} as the CA, every file of it (the state, the CA, its configuration) in {@code dir}.
 * Also a second CA made with openssl, for certificates the local CA would never issue.
 */
final class ProvisionedTpm {

    /** Subject Directory Attributes with tcg-at-tpmSpecification ("2.0", level 0, revision 164), as EK certs carry. */
    static final String TPM_SPECIFICATION_DER = "3019301706056781050210310e300c0c03322e30020100020200a4";
    /**
     * The subjectAltName directoryName of an EK certificate, in openssl's configuration syntax (which drops a name's
     * text up to its first dot, so each OID gets a throwaway prefix).
     */
    private static final String TCG_DIRECTORY_NAME = """
            [tpm]
            1.2.23.133.2.1 = id:00001014
            2.2.23.133.2.2 = swtpm
            3.2.23.133.2.3 = id:20191023
            """;

    final Path dir;
    final Path state;
    /** swtpm_localca's root, and the intermediate that signs the EK certificates. */
    final X509Certificate localRoot;
    final X509Certificate localIssuer;
    /** The openssl test CA. */
    final X509Certificate testRoot;

    private ProvisionedTpm(Path dir) throws Exception {
        this.dir = dir;
        ProvisionedSwtpm provisioned = ProvisionedSwtpm.create(dir);
        this.state = provisioned.state();
        localRoot = provisioned.root();
        localIssuer = provisioned.issuer();

        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve("test-ca.key").toString(), "-out", dir.resolve("test-ca.pem").toString(),
                "-subj", "/CN=tpm4j test CA", "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
        testRoot = pem(dir.resolve("test-ca.pem"));
    }

    static ProvisionedTpm create(Path dir) throws Exception {
        return new ProvisionedTpm(dir);
    }

    /**
     * A certificate from the test CA for the public key in {@code publicKeyPem}, with {@code extensions} (openssl
     * configuration lines of section [ext]; section [tpm] is the TCG directoryName) and {@code subject} ("/" for
     * an empty one).
     */
    X509Certificate issue(String name, Path publicKeyPem, String subject, String extensions) throws Exception {
        Path config = dir.resolve(name + ".cnf");
        Files.writeString(config, "[ext]\n" + extensions + "\n" + TCG_DIRECTORY_NAME);
        Path out = dir.resolve(name + ".pem");
        run("openssl", "x509", "-new", "-force_pubkey", publicKeyPem.toString(), "-subj", subject,
                "-CA", dir.resolve("test-ca.pem").toString(), "-CAkey", dir.resolve("test-ca.key").toString(),
                "-days", "1", "-extfile", config.toString(), "-extensions", "ext", "-out", out.toString());
        return pem(out);
    }

    /** The public key of {@code certificate}, as a PEM file for {@link #issue}. */
    Path publicKeyOf(X509Certificate certificate, String name) throws IOException {
        Path file = dir.resolve(name + "-pub.pem");
        Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder()
                .encodeToString(certificate.getPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        return file;
    }

    /** A fresh RSA-2048 public key that no TPM holds, as a PEM file. */
    Path otherPublicKey() throws Exception {
        Path key = dir.resolve("other.key");
        Path pub = dir.resolve("other-pub.pem");
        run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
        run("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
        return pub;
    }

    static X509Certificate pem(Path file) throws Exception {
        return ProvisionedSwtpm.pem(file);
    }

    private void run(String... command) throws Exception {
        ProvisionedSwtpm.run(dir.resolve("command.log"), command);
    }
}
