package io.tpm4j.jca;

import io.tpm4j.api.commands.EvictControl;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Security;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS with a TPM-held key against real openssl. The key is made in the TPM, certified from a request the CSR builder
 * signs in the TPM (openssl req -verify accepts it) by a test CA made with openssl, and stored with its chain at a
 * {@code file:} alias of the {@code TPM} key store. From there on the code names no provider: the JDK's SunX509 key
 * manager over that key store, and delayed provider selection, send the handshake signatures to the TPM. Also a key
 * made persistent at a {@code handle:} alias and an EC P-384 key (SHA384withECDSA in the handshake) serve TLS 1.3.
 */
class TlsTest extends WithProvider {

    private static final int SECONDS = 60;
    private static final int PERSISTENT = 0x81000020;
    private static final String HANDLE = "handle:0x81000020";

    @TempDir
    Path dir;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @BeforeEach
    void install() {
        assertTrue(Security.addProvider(provider) > 0, "tpm4j was installed already");
    }

    @AfterEach
    void uninstall() {
        executor.shutdownNow();
        Security.removeProvider(Tpm4jProvider.NAME);
    }

    /** The persistent key a test made is evicted again, and nothing else is left persistent. */
    @AfterEach
    void evictPersistentKey() {
        if (raw.handles(TpmHt.PERSISTENT).contains(PERSISTENT)) {
            raw.execute(new EvictControl(TpmRh.OWNER, Authorization.emptyPassword(), PERSISTENT, PERSISTENT));
        }
        assertEquals(List.of(), raw.handles(TpmHt.PERSISTENT), "persistent objects left in the TPM");
    }

    /** A TPM key under the key file primary, certified by a new test CA, at a file: alias of a TPM key store. */
    private KeyStore tpmKeyStoreWithCertifiedKey(String kind, String name, TestCa ca) throws Exception {
        boolean ec = kind.equals("EC");
        KeyPair pair = generate(kind, (ec ? TpmKeyGenParameterSpec.ec("P-256") : TpmKeyGenParameterSpec.rsa(2048))
                .parent(TpmParent.keyFilePrimary()).build());
        return storeWithCertifiedKey(pair, ec ? "SHA256withECDSA" : "SHA256withRSA", name, ca,
                "file:" + dir.resolve(name + ".pem"), null);
    }

    /**
     * {@code pair}'s private key, certified by {@code ca} from a request signed with {@code signatureAlgorithm}, set
     * with its chain at {@code alias} of a TPM key store loaded with {@code parameter}.
     */
    private KeyStore storeWithCertifiedKey(KeyPair pair, String signatureAlgorithm, String name, TestCa ca, String alias,
                                           KeyStore.LoadStoreParameter parameter) throws Exception {
        X509Certificate[] chain = ca.issue(name, pair.getPublic(), Signature.getInstance(signatureAlgorithm),
                pair.getPrivate());
        KeyStore ks = KeyStore.getInstance("TPM");
        ks.load(parameter);
        ks.setKeyEntry(alias, pair.getPrivate(), null, chain);
        return ks;
    }

    /** An SSLContext whose key manager is SunX509 over {@code keys} and which trusts the test CA only. */
    private static SSLContext context(KeyStore keys, TestCa ca) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(keys, null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    @ParameterizedTest(name = "{0} key, {1}")
    @CsvSource({"EC, TLSv1.3", "EC, TLSv1.2", "RSA, TLSv1.3", "RSA, TLSv1.2"})
    void aJdkServerWithATpmKeyCompletesAHandshakeWithOpensslSClient(String kind, String protocol) throws Exception {
        TestCa ca = TestCa.create(dir);
        String out = serveOneSClient(context(tpmKeyStoreWithCertifiedKey(kind, "server", ca), ca), protocol);
        String signatureType = kind.equals("EC") ? "ECDSA" : protocol.equals("TLSv1.3") ? "RSA-PSS" : "RSA";
        assertTrue(out.contains("Peer signature type: " + signatureType), out);
    }

    @Test
    void aPersistentKeyAtAHandleAliasServesTls13ToOpensslSClient() throws Exception {
        TestCa ca = TestCa.create(dir);
        Path chains = Files.createDirectory(dir.resolve("chains"));
        storeWithCertifiedKey(ec("P-256"), "SHA256withECDSA", "server", ca, HANDLE,
                TpmKeyStoreParameter.handleChainsIn(chains));
        assertTrue(raw.handles(TpmHt.PERSISTENT).contains(PERSISTENT), "setKeyEntry made the key persistent");
        KeyStore fresh = KeyStore.getInstance("TPM");   // the key comes from the handle, the chain from its file
        fresh.load(TpmKeyStoreParameter.handleChainsIn(chains));
        assertTrue(Collections.list(fresh.aliases()).contains(HANDLE));
        String out = serveOneSClient(context(fresh, ca), "TLSv1.3");
        assertTrue(out.contains("Peer signature type: ECDSA"), out);
    }

    @Test
    void anEcP384KeySignsTheHandshakeWithSha384() throws Exception {
        TestCa ca = TestCa.create(dir);
        KeyPair pair = generate("EC", TpmKeyGenParameterSpec.ec("P-384").parent(TpmParent.keyFilePrimary()).build());
        KeyStore ks = storeWithCertifiedKey(pair, "SHA384withECDSA", "server", ca, "file:" + dir.resolve("p384.pem"),
                null);
        String out = serveOneSClient(context(ks, ca), "TLSv1.3");
        assertTrue(out.contains("Peer signature type: ECDSA"), out);
        assertTrue(out.contains("Peer signing digest: SHA384"), out);
    }

    /**
     * A JDK TLS server with {@code context} and only {@code protocol} enabled answers one {@code openssl s_client}
     * that verifies it against the test CA; returns what s_client printed, having checked the protocol and the data.
     */
    private String serveOneSClient(SSLContext context, String protocol) throws Exception {
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            server.setEnabledProtocols(new String[] {protocol});
            server.setSoTimeout(SECONDS * 1000);
            Future<String> served = executor.submit(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.setSoTimeout(SECONDS * 1000);
                    s.startHandshake();
                    s.getOutputStream().write("served by a TPM key\n".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    return s.getSession().getProtocol();
                }
            });
            String out = TestCa.succeed(dir, Map.of(), SECONDS, "openssl", "s_client", "-connect",
                    "127.0.0.1:" + server.getLocalPort(), "-CAfile", "ca.pem", "-verify_return_error",
                    "-verify_hostname", "localhost", "-ign_eof", protocol.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2");
            assertEquals(protocol, served.get(SECONDS, TimeUnit.SECONDS));
            assertTrue(out.contains("Verify return code: 0 (ok)"), out);
            assertTrue(out.contains("Protocol  : " + protocol) || out.contains("Protocol: " + protocol)
                    || out.contains(", " + protocol + ","), out);
            assertTrue(out.contains("served by a TPM key"), out);
            return out;
        }
    }

    @ParameterizedTest(name = "{0} key, {1}")
    @CsvSource({"EC, TLSv1.3", "RSA, TLSv1.3", "EC, TLSv1.2", "RSA, TLSv1.2"})
    void aJdkClientWithATpmKeyPassesOpensslSServerVerify(String kind, String protocol) throws Exception {
        TestCa ca = TestCa.create(dir);
        TestCa.succeed(dir, Map.of(), SECONDS, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", "openssl-server.key", "-out", "openssl-server.csr",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        TestCa.succeed(dir, Map.of(), SECONDS, "openssl", "x509", "-req", "-in", "openssl-server.csr", "-CA", "ca.pem",
                "-CAkey", "ca.key", "-CAcreateserial", "-copy_extensions", "copy", "-days", "1", "-out",
                "openssl-server.crt");
        SSLContext context = context(tpmKeyStoreWithCertifiedKey(kind, "client", ca), ca);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path log = dir.resolve("s_server.out");
        Process sServer = new ProcessBuilder(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-naccept",
                "1", "-cert", "openssl-server.crt", "-key", "openssl-server.key", "-CAfile", "ca.pem", "-Verify", "1",
                "-verify_return_error", protocol.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2")).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();   // stdin a pipe: s_server quits at its EOF
        try {
            waitFor(log, "ACCEPT", sServer);
            String sessionProtocol;
            try (SSLSocket client = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
                client.setSoTimeout(SECONDS * 1000);
                client.setEnabledProtocols(new String[] {protocol});
                try {
                    client.startHandshake();
                } catch (java.io.IOException e) {
                    sServer.waitFor(5, TimeUnit.SECONDS);
                    throw new AssertionError("handshake failed; s_server said:\n" + Files.readString(log), e);
                }
                sessionProtocol = client.getSession().getProtocol();
                OutputStream out = client.getOutputStream();
                out.write("a client whose key is in a TPM\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                waitFor(log, "a client whose key is in a TPM", sServer);
            }
            assertTrue(sServer.waitFor(SECONDS, TimeUnit.SECONDS), "s_server did not exit after its one connection");
            String out = Files.readString(log);
            assertEquals(protocol, sessionProtocol);
            assertTrue(out.contains("depth=0 CN = client") && out.contains("verify return:1"), out);
            assertTrue(out.contains("Client certificate") && out.contains("subject=CN = client"), out);
            assertTrue(!out.contains("verify error"), out);
        } finally {
            sServer.destroyForcibly();
            sServer.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void waitFor(Path log, String text, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            if (!process.isAlive() && !Files.readString(log).contains(text)) {
                throw new AssertionError("s_server exited without '" + text + "':\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + text + "' from s_server within " + SECONDS + " s:\n" + Files.readString(log));
    }
}
