package io.tpm4j.examples;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.ReadClock;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.types.TpmSt;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.ffi.TpmDevices;
import io.tpm4j.jca.Tpm4jProvider;
import io.tpm4j.jca.TpmKey;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.Space;
import io.tpm4j.rm.TpmChip;
import io.tpm4j.rm.server.Endpoint;
import io.tpm4j.rm.server.RmServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every ```java block in README.md and docs/*.md is marked {@code <!-- example: NAME -->} and is, line for line,
 * the region NAME of {@link DocumentedExamples}; and every example runs (against a private swtpm).
 */
class DocumentedExamplesTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath().getParent();
    private static final Path SOURCE = Path.of("src/test/java/io/tpm4j/examples/DocumentedExamples.java").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void everyJavaBlockInTheDocsIsAnExampleThatCompilesAsShown() throws IOException {
        Map<String, String> regions = regions(Files.readAllLines(SOURCE));
        List<String> problems = new ArrayList<>();
        List<String> used = new ArrayList<>();
        List<Path> docs = new ArrayList<>(List.of(PROJECT.resolve("README.md")));
        try (Stream<Path> files = Files.list(PROJECT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        for (Path doc : docs) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().equals("```java")) {
                    continue;
                }
                String marker = i > 0 ? lines.get(i - 1).strip() : "";
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                    end++;
                }
                String block = normalise(lines.subList(i + 1, end));
                String where = PROJECT.relativize(doc) + ":" + (i + 1);
                if (!marker.startsWith("<!-- example: ") || !marker.endsWith(" -->")) {
                    problems.add(where + ": a java block without <!-- example: NAME -->");
                    continue;
                }
                String name = marker.substring("<!-- example: ".length(), marker.length() - " -->".length());
                used.add(name);
                if (!regions.containsKey(name)) {
                    problems.add(where + ": no region '" + name + "' in DocumentedExamples.java");
                } else if (!regions.get(name).equals(block)) {
                    problems.add(where + ": '" + name + "' differs from DocumentedExamples.java:\n--- docs\n" + block
                            + "\n--- source\n" + regions.get(name));
                }
            }
        }
        for (String name : regions.keySet()) {
            if (!used.contains(name)) {
                problems.add("example '" + name + "' is in DocumentedExamples.java but in no document");
            }
        }
        assertEquals(List.of(), problems);
    }

    /**
     * Every public method of the facade is called in some documented example. Not counted: close(), which
     * try-with-resources calls, and startup(), which the examples reach through startupIfNeeded().
     */
    @Test
    void everyPublicMethodOfTheFacadeIsInAnExample() throws IOException {
        String examples = String.join("\n", regions(Files.readAllLines(SOURCE)).values());
        List<String> missing = Arrays.stream(Tpm.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()))
                .map(Method::getName)
                .filter(name -> !name.equals("close") && !name.equals("startup"))
                .filter(name -> !examples.contains("." + name + "("))
                .distinct().sorted().toList();
        assertEquals(List.of(), missing, "Tpm methods no documented example calls");
    }

    @Test
    void openingTheDefaultDeviceWorksOrSaysThereIsNone() {
        opensTheDefaultDeviceOrSaysThereIsNone(DocumentedExamples::openDefaultDevice);
    }

    /** Where the machine has a TPM the example opens it; where it has none, the example's error says so. */
    private static void opensTheDefaultDeviceOrSaysThereIsNone(java.util.function.Supplier<TpmTransport> example) {
        if (TpmDevices.defaultDevice().isPresent()) {
            try (TpmTransport device = example.get()) {
                assertEquals(8, Tpm.on(device).getRandom(8).length);
            }
        } else {
            TpmTransportException none = assertThrows(TpmTransportException.class, example::get);
            assertTrue(none.getMessage().contains("no TPM"), none.getMessage());
        }
    }

    @Test
    void firstStepsSignAndJcaVerifies() throws Exception {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            Tpm.on(swtpm.transport()).startupIfNeeded();
            // The example closes its Tpm, and with it the transport: give it one that leaves the device open.
            TpmTransport device = swtpm.transport();
            DocumentedExamples.firstSteps(device::transmit);
            assertNothingLoaded(Tpm.on(swtpm.transport()));
        }
    }

    @Test
    void sealingAndSessions() throws Exception {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            Tpm tpm = Tpm.on(swtpm.transport());
            tpm.startupIfNeeded();
            assertEquals(32, DocumentedExamples.sealAndSessions(tpm).length);
            assertNothingLoaded(tpm);
        }
    }

    @Test
    void nvIndex() {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            Tpm tpm = Tpm.on(swtpm.transport());
            tpm.startupIfNeeded();
            assertArrayEquals("kept across reboots".getBytes(), DocumentedExamples.nvIndex(tpm));
            assertEquals(1, tpm.secretChannelSessions().size(), "the write and read ran in the secret channel");
            assertEquals(List.of(), DocumentedExamples.sessionsLeftLoaded(tpm));
            assertNothingLoaded(tpm);
            assertEquals(List.of(), tpm.handles(TpmHt.NV_INDEX), "the example undefines its index");
        }
    }

    @Test
    void resourceManagerInProcess() {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            assertEquals(1, DocumentedExamples.resourceManager(swtpm.transport()));
        }
    }

    @Test
    void aJvmUsesTheServerLikeADevice() throws Exception {
        withServer(socket -> assertEquals(16, DocumentedExamples.serverClient(socket).length));
    }

    private interface ServerWork {
        void run(Path rawSocket) throws Exception;
    }

    /** Runs {@code work} while tpm4j's server shares a fresh swtpm on a raw Unix socket. */
    private void withServer(ServerWork work) throws Exception {
        Path socket = dir.resolve("tpm.sock");
        try (Swtpm swtpm = Swtpm.startChardev(); TpmChip chip = TpmChip.over(swtpm.transport(), "swtpm");
             ResourceManager rm = ResourceManager.over(chip);
             RmServer server = RmServer.start(rm, List.of(Endpoint.raw("unix:" + socket)), RmServer.Options.defaults())) {
            work.run(socket);
        }
    }

    @Test
    void aPrivateSwtpmForTests() {
        assertEquals(16, DocumentedExamples.swtpmForTests().length);
    }

    @Test
    void openingTheDefaultDeviceWithALongerDeadlineWorksOrSaysThereIsNone() {
        opensTheDefaultDeviceOrSaysThereIsNone(DocumentedExamples::openWithTimeout);
    }

    @Test
    void capabilitiesAndClock() {
        onSwtpm(tpm -> {
            assertEquals("IBM", DocumentedExamples.capabilities(tpm), "swtpm reports manufacturer IBM");
            ReadClock.Response first = DocumentedExamples.clock(tpm);
            ReadClock.Response second = DocumentedExamples.clock(tpm);
            assertTrue(second.clock() >= first.clock() && first.safe(), first + " then " + second);
        });
    }

    @Test
    void pcrExtendAndEvent() {
        onSwtpm(tpm -> assertTrue(DocumentedExamples.pcrs(tpm, "max_connections = 10".getBytes())));
    }

    @Test
    void signaturesVerifiedByJcaAndByTheTpm() {
        onSwtpmWithSrk((tpm, srk) -> {
            assertEquals(TpmSt.VERIFIED.value(), DocumentedExamples.verifySignature(tpm, srk, "signed".getBytes()).tag());
            assertTrue(DocumentedExamples.hmacSession(tpm, srk, "signed with a password".getBytes()));
        });
    }

    @Test
    void persistentKeyIsEvictedAgain() {
        onSwtpm(tpm -> {
            byte[] name = DocumentedExamples.persistentKey(tpm);
            assertEquals(34, name.length, "a SHA-256 Name");
            assertEquals(List.of(), tpm.handles(TpmHt.PERSISTENT), "the example evicts its key");
        });
    }

    @Test
    void changedPasswordOpensTheObject() {
        onSwtpmWithSrk((tpm, srk) -> assertArrayEquals("the old password no longer opens this".getBytes(),
                DocumentedExamples.changeAuth(tpm, srk)));
    }

    @Test
    void hashHmacAndEncryptionMatchJava() throws Exception {
        byte[] message = "a message".getBytes();
        byte[] image = new byte[5000];
        new Random(5).nextBytes(image);
        onSwtpmWithSrk((tpm, srk) -> {
            List<byte[]> results = DocumentedExamples.hashAndHmac(tpm, srk, message, image);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(message), results.get(0));
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(image), results.get(1));
            assertEquals(32, results.get(2).length, "HMAC-SHA-256");
            assertArrayEquals(image, DocumentedExamples.symmetricEncryption(tpm, srk, image));
            byte[] dataKey = tpm.getRandom(32);
            assertArrayEquals(dataKey, DocumentedExamples.rsaEncryption(tpm, srk, dataKey));
        });
    }

    @Test
    void quoteAndCertifyVerify() {
        onSwtpmWithSrk((tpm, srk) -> {
            assertTrue(DocumentedExamples.quote(tpm, srk, tpm.getRandom(32)));
            assertTrue(DocumentedExamples.certify(tpm, srk, "challenge".getBytes()));
        });
    }

    @Test
    void endorsementKeyActivatesACredential() {
        onSwtpm(tpm -> assertArrayEquals("for the AK".getBytes(),
                DocumentedExamples.endorsementKey(tpm, "for the AK".getBytes())));
    }

    @Test
    void ownCommandInTheSecretSessionIsBoundToTheKeysName() {
        onSwtpmWithSrk((tpm, srk) -> {
            byte[] digest = new byte[32];
            try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()))) {
                io.tpm4j.api.types.Signature signature = DocumentedExamples.signInSecretSession(tpm, key, digest);
                assertEquals(TpmSt.VERIFIED.value(), tpm.verifySignature(key, digest, signature).tag());
                assertEquals(1, tpm.secretChannelSessions().size(), "signed in the channel's session");
                try (TpmObject other = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()))) {
                    // The other key's handle with this key's Name: the TPM refuses the HMAC
                    TpmResponseException refused = assertThrows(TpmResponseException.class,
                            () -> tpm.inSecretSession(session -> tpm.execute(new Sign(other.handle(),
                                    Authorization.session(session, new byte[0]).forEntity(key.name()), digest,
                                    Scheme.NULL, Sign.nullTicket()))));
                    assertTrue(refused.is(TpmRc.AUTH_FAIL) || refused.is(TpmRc.BAD_AUTH), refused.getMessage());
                }
            }
        });
    }

    @Test
    void attestationOfAProvisionedSwtpmIsTrusted(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        // A TPM as a manufacturer ships it: EK certificates in NV, issued by a CA (swtpm_localca) whose root we trust
        io.tpm4j.attest.ek.ProvisionedSwtpm provisioned = io.tpm4j.attest.ek.ProvisionedSwtpm.create(dir);
        try (Swtpm swtpm = Swtpm.startChardev(provisioned.state())) {
            Tpm tpm = Tpm.on(swtpm.transport());
            tpm.startupIfNeeded();
            // No firmware ran on the swtpm: PCRs 0-7 are zero, which no log replays to; this machine's logs are not its own
            io.tpm4j.attest.Verdict verdict = DocumentedExamples.attestation(tpm, Optional.empty(), Optional.empty(),
                    provisioned.root(), provisioned.issuer());
            assertTrue(verdict.trusted(), verdict.toString());
            assertNothingLoaded(tpm);
        }
    }

    @Test
    void duplicatedKeyImportsUnderItsNewParent() {
        onSwtpmWithSrk((tpm, srk) -> assertTrue(DocumentedExamples.duplicateAndImport(tpm, srk)));
    }

    @Test
    void sealingPolicies() {
        byte[] diskKey = "a disk key of 32 bytes, or so...".getBytes();
        onSwtpmWithSrk((tpm, srk) -> {
            assertArrayEquals(diskKey, DocumentedExamples.sealWithPcrAndPin(tpm, srk, diskKey, "1234".getBytes()));
            List<byte[]> both = DocumentedExamples.sealWithPolicyOr(tpm, srk, diskKey, "recovery".getBytes());
            assertArrayEquals(diskKey, both.get(0), "the PCR branch");
            assertArrayEquals(diskKey, both.get(1), "the recovery branch");
            assertArrayEquals(diskKey, DocumentedExamples.sealWithPolicySecret(tpm, srk, diskKey));
            assertArrayEquals(diskKey, DocumentedExamples.sealWithPolicyAuthorize(tpm, srk, diskKey));
        });
    }

    @Test
    void auditSessionDigestIsTheTpms() {
        onSwtpmWithSrk((tpm, srk) -> assertTrue(DocumentedExamples.auditSession(tpm, srk, tpm.getRandom(16))));
    }

    @Test
    void nvCounterAndExtendIndex() {
        onSwtpm(tpm -> {
            List<byte[]> results = DocumentedExamples.nvCounterAndExtend(tpm);
            assertEquals(1, ByteBuffer.wrap(results.get(0)).getLong(), "one increment between the reads");
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(new byte[32]);
            assertArrayEquals(sha256.digest("update 1.2.3 installed".getBytes()), results.get(1));
            assertEquals(List.of(), tpm.handles(TpmHt.NV_INDEX), "the example undefines its indices");
        });
    }

    @Test
    void retriesATpmThatSaysRetry() {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            Tpm.on(swtpm.transport()).startupIfNeeded();
            // TPM_RC_RETRY twice, then the real answer: the example's policy sends the command three times.
            byte[] retry = {(byte) 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x09, 0x22};
            AtomicInteger sent = new AtomicInteger();
            TpmTransport busyAtFirst = command -> sent.incrementAndGet() <= 2 ? retry.clone()
                    : swtpm.transport().transmit(command);
            assertEquals(16, DocumentedExamples.configureTpm(busyAtFirst).length);
            assertEquals(3, sent.get());
        }
    }

    @Test
    void errorsAreDecodedAndARemovedTpmIsReported() {
        byte[] pin = "2468".getBytes();
        PolicyDigest pinPolicy = PolicyDigest.start(TpmAlg.SHA256).authValue();
        onSwtpmWithSrk((tpm, srk) -> {
            Create.Response sealed = tpm.seal(srk, "secret".getBytes(), pinPolicy, pin);
            assertEquals("unsealed 6 bytes", DocumentedExamples.errorHandling(tpm, srk, sealed, pin));
            String wrong = DocumentedExamples.errorHandling(tpm, srk, sealed, "1111".getBytes());
            assertTrue(wrong.startsWith("wrong PIN: TPM_RC_"), wrong);
        });
        try (Swtpm swtpm = Swtpm.startChardev(); TpmChip chip = TpmChip.over(swtpm.transport(), "swtpm");
             ResourceManager rm = ResourceManager.over(chip); Space space = rm.openSpace("example")) {
            Tpm tpm = Tpm.on(space);
            tpm.startupIfNeeded();
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
                Create.Response sealed = tpm.seal(srk, "secret".getBytes(), pinPolicy, pin);
                chip.remove();
                String gone = DocumentedExamples.errorHandling(tpm, srk, sealed, pin);
                assertTrue(gone.startsWith("the TPM went away: "), gone);
            }
        }
    }

    @Test
    void jcaProviderConfiguredByAString() throws Exception {
        withServer(socket -> {
            Tpm4jProvider provider = DocumentedExamples.jcaProvider("unix:" + socket);
            try {
                assertSame(provider, Security.getProvider("tpm4j"), "installed under its name");
                assertEquals("unix:" + socket, provider.configuration());
                byte[] nonce = DocumentedExamples.jcaSecureRandom(provider, "entropy from elsewhere".getBytes());
                assertFalse(Arrays.equals(new byte[32], nonce), "32 random bytes");
                assertTrue(provider.isConnected(), "the random bytes came through the server");
            } finally {
                Security.removeProvider(provider.getName());
                provider.close();
            }
        });
    }

    @Test
    void jcaKeysSignAreCertifiedStoredAndServeTls() {
        byte[] message = "signed in the TPM, verified by the JDK".getBytes();
        onJcaProvider((provider, tpm) -> {
            assertTrue(DocumentedExamples.jcaSign(provider, message));

            DocumentedExamples.KeyAndRequest made = DocumentedExamples.jcaCertificationRequest(provider);
            Certificate[] chain = certify(made.requestPem());
            assertEquals(made.pair().getPublic(), chain[0].getPublicKey(), "the CA certified the TPM key");

            Path keyFile = dir.resolve("tls-key.pem");
            DocumentedExamples.StoredKey stored = DocumentedExamples.jcaKeyStoreFile(made.pair(), chain, keyFile);
            assertTrue(Files.readString(keyFile).startsWith("-----BEGIN TSS2 PRIVATE KEY-----"), "a TSS2 key file");
            assertTrue(Files.exists(dir.resolve("tls-key.crt.pem")), "the chain beside it");
            assertArrayEquals(chain, stored.chain());
            assertTrue(verifies(chain[0].getPublicKey(), sign(stored.key(), message), message),
                    "the key read back from the file signs");

            byte[] signature = DocumentedExamples.jcaKeyStoreHandle(stored.store(), (TpmKey) made.pair().getPrivate(),
                    message);
            assertTrue(verifies(made.pair().getPublic(), signature, message), "the persistent key signs");
            assertEquals(List.of(), tpm.handles(TpmHt.PERSISTENT), "the example evicts its key");

            try (SSLServerSocket server = DocumentedExamples.jcaTls(keyFile, 0)) {
                assertEquals(chain[0], tlsHandshake(server, chain[1]), "the client saw the TPM key's certificate");
            }
        });
    }

    private interface JcaWork {
        void run(Tpm4jProvider provider, Tpm tpm) throws Exception;
    }

    /**
     * Runs {@code work} with a provider installed over a space of tpm4j's RM on a fresh swtpm; the provider shares
     * the space without closing it, so that after the provider is closed the space shows anything it left.
     */
    private static void onJcaProvider(JcaWork work) {
        try (Swtpm swtpm = Swtpm.startChardev(); TpmChip chip = TpmChip.over(swtpm.transport(), "swtpm");
             ResourceManager rm = ResourceManager.over(chip); Space space = rm.openSpace("application")) {
            Tpm tpm = Tpm.on(space);
            tpm.startupIfNeeded();
            Tpm4jProvider provider = Tpm4jProvider.over(space::transmit);
            Security.addProvider(provider);
            try {
                work.run(provider, tpm);
            } finally {
                Security.removeProvider(provider.getName());
                provider.close();
            }
            assertNothingLoaded(tpm);
            assertEquals(List.of(), tpm.handles(TpmHt.PERSISTENT), "the examples left a persistent key");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A throw-away CA made with openssl certifies the request: the leaf certificate and the CA's. */
    private Certificate[] certify(String requestPem) throws Exception {
        Files.writeString(dir.resolve("device.csr"), requestPem);
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
                "-out", "ca.pem", "-subj", "/CN=example CA", "-days", "1");
        openssl("x509", "-req", "-in", "device.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-copy_extensions", "copy", "-days", "1", "-out", "device.pem");
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        try (InputStream leaf = Files.newInputStream(dir.resolve("device.pem"));
             InputStream ca = Files.newInputStream(dir.resolve("ca.pem"))) {
            return new Certificate[] {x509.generateCertificate(leaf), x509.generateCertificate(ca)};
        }
    }

    private void openssl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
        assertEquals(0, process.exitValue(), command + ":\n" + output);
    }

    private static byte[] sign(PrivateKey key, byte[] message) throws Exception {
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(message);
        return signer.sign();
    }

    private static boolean verifies(PublicKey key, byte[] signature, byte[] message) throws Exception {
        java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(signature);
    }

    /** A JDK TLS client that trusts {@code ca} completes a handshake with {@code server}; the server's certificate. */
    private static Certificate tlsHandshake(SSLServerSocket server, Certificate ca) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca);
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(trusted);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
        server.setSoTimeout(30_000);
        CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
            try (SSLSocket accepted = (SSLSocket) server.accept()) {
                accepted.getOutputStream().write(42);   // after the handshake this write starts
                accepted.getOutputStream().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost", server.getLocalPort())) {
            socket.setSoTimeout(30_000);
            assertEquals(42, socket.getInputStream().read());
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
            served.get(30, TimeUnit.SECONDS);
            return socket.getSession().getPeerCertificates()[0];
        }
    }

    private interface TpmWork {
        void run(Tpm tpm) throws Exception;
    }

    private interface TpmWithSrkWork {
        void run(Tpm tpm, TpmObject srk) throws Exception;
    }

    /** Runs {@code work} on a fresh swtpm and checks that it left nothing loaded. */
    private static void onSwtpm(TpmWork work) {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            Tpm tpm = Tpm.on(swtpm.transport());
            tpm.startupIfNeeded();
            work.run(tpm);
            assertNothingLoaded(tpm);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** {@link #onSwtpm} with the standard ECC SRK loaded for the example (flushed before the check). */
    private static void onSwtpmWithSrk(TpmWithSrkWork work) {
        onSwtpm(tpm -> {
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
                work.run(tpm, srk);
            }
        });
    }

    private static void assertNothingLoaded(Tpm tpm) {
        assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT), "the example left objects loaded");
        assertEquals(List.of(), CallerSessions.loaded(tpm), "the example left sessions loaded");
    }

    /** The regions between "// example: NAME" and "// end NAME", normalised. */
    private static Map<String, String> regions(List<String> source) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < source.size(); i++) {
            String line = source.get(i).strip();
            if (line.startsWith("// example: ")) {
                String name = line.substring("// example: ".length());
                int end = i + 1;
                while (!source.get(end).strip().equals("// end " + name)) {
                    end++;
                }
                out.put(name, normalise(source.subList(i + 1, end)));
            }
        }
        return out;
    }

    /** Common indentation and trailing blanks removed, so docs and source compare as shown. */
    private static String normalise(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.isBlank() ? "" : line.substring(indent).stripTrailing()).append('\n');
        }
        return out.toString().strip();
    }

    @Test
    void signedPoliciesSurviveAPcrChangeWithANewApproval() {
        byte[] diskKey = "a disk key of 32 bytes, or so...".getBytes();
        onSwtpmWithSrk((tpm, srk) -> {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            java.security.KeyPair authority = generator.generateKeyPair();
            Create.Response sealed = DocumentedExamples.signedPolicySeal(tpm, srk, diskKey, authority);
            byte[] today = DocumentedExamples.signedPolicyApprove(authority, tpm.pcrValues(TpmAlg.SHA256, 7).get(7));
            assertArrayEquals(diskKey, DocumentedExamples.signedPolicyUnseal(tpm, srk, sealed, today));

            byte[] update = MessageDigest.getInstance("SHA-256").digest("kernel 6.12".getBytes());
            tpm.pcrExtend(7, new io.tpm4j.api.types.TaggedDigest(TpmAlg.SHA256, update));
            IllegalStateException locked = assertThrows(IllegalStateException.class,
                    () -> DocumentedExamples.signedPolicyUnseal(tpm, srk, sealed, today));
            assertTrue(locked.getMessage().contains("TPM2_PolicyAuthorize"), locked.getMessage());
            byte[] renewed = DocumentedExamples.signedPolicyApprove(authority, tpm.pcrValues(TpmAlg.SHA256, 7).get(7));
            assertArrayEquals(diskKey, DocumentedExamples.signedPolicyUnseal(tpm, srk, sealed, renewed),
                    "the same sealed object, with the new approval");

            List<Object> nv = DocumentedExamples.signedPolicyNv(tpm, srk, diskKey, new byte[32]);
            assertArrayEquals(diskKey, (byte[]) nv.get(0));
            assertEquals(io.tpm4j.api.policy.ApprovalRefusedException.Reason.STATE_NOT_APPROVED, nv.get(1),
                    "rewriting the index revoked the old policy");
            assertFalse(tpm.handles(TpmHt.NV_INDEX).contains(0x01500020), "the example's index is undefined");
        });
    }

    @Test
    void softwareKeysImportAndLoadExternal() throws Exception {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "device-key.pem");
        byte[] message = "signed by a key born outside the TPM".getBytes(StandardCharsets.UTF_8);
        onSwtpmWithSrk((tpm, srk) -> assertTrue(DocumentedExamples.importSoftwareKey(tpm, srk,
                dir.resolve("device-key.pem"), message)));
        byte[] hmacKey = "thirty-two bytes of an HMAC key.".getBytes(StandardCharsets.UTF_8);
        javax.crypto.Mac jdk = javax.crypto.Mac.getInstance("HmacSHA256");
        jdk.init(new javax.crypto.spec.SecretKeySpec(hmacKey, "HmacSHA256"));
        byte[] expected = jdk.doFinal(message);
        onSwtpm(tpm -> assertArrayEquals(expected, DocumentedExamples.loadExternalHmacKey(tpm, hmacKey, message)));
    }

    @Test
    void contextFilesForTheToolsAndBack() {
        onSwtpmWithSrk((tpm, srk) -> {
            byte[] message = "signed by a key that went through a context file".getBytes();
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(message);
            io.tpm4j.api.types.Signature signature = DocumentedExamples.contextFiles(tpm, srk, dir, digest);
            io.tpm4j.api.files.ToolsContextFile file = io.tpm4j.api.files.ToolsContextFile.read(dir.resolve("key.ctx"));
            assertTrue(io.tpm4j.api.crypto.Signatures.verify(io.tpm4j.api.crypto.PublicKeys.toPublicKey(
                    file.resource().publicArea().orElseThrow()),
                    signature, message), "the JDK verifies with the public area the file carries");
            assertEquals(List.of(), tpm.handles(TpmHt.PERSISTENT), "the example evicts its persistent key");
        });
    }
}
