package io.tpm4j.jca.keyfile;

import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.jca.Tpm4jProvider;
import io.tpm4j.jca.TpmKey;
import io.tpm4j.jca.TpmKeyEntry;
import io.tpm4j.jca.TpmKeyGenParameterSpec;
import io.tpm4j.jca.TpmParent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code TPM} key store and the other stacks on one swtpm behind tpm4j's server: key files made by OpenSSL's tpm2
 * provider and by tpm2-pytss load through {@code file:} aliases and sign with {@code java.security.Signature} (no
 * provider named) what openssl verifies with the key's public half; files the key store writes sign through
 * {@code openssl pkeyutl -provider tpm2} and pytss.
 */
class KeyStoreInteropTest extends WithTpmServer {

    private static final byte[] MESSAGE = "signed through the key store".getBytes(StandardCharsets.UTF_8);
    private Tpm4jProvider provider;
    private KeyStore store;

    @BeforeEach
    void providerOverTheServer() throws Exception {
        provider = new Tpm4jProvider().configure("unix:" + dir.resolve("raw.sock"));
        assertTrue(Security.addProvider(provider) > 0, "tpm4j was installed already");
        store = KeyStore.getInstance("TPM");
        store.load(null, null);
    }

    @AfterEach
    void closeProvider() {
        Security.removeProvider(Tpm4jProvider.NAME);
        provider.close();
    }

    private Map<String, String> tpm2Env() {
        return Map.of("TPM2OPENSSL_TCTI", tcti);
    }

    private String alias(String file) {
        return "file:" + dir.resolve(file);
    }

    /** Signs MESSAGE with the key from {@code alias}, no provider named; checks tpm4j was chosen. */
    private byte[] signThroughTheStore(String alias, String password) throws Exception {
        Key key = store.getKey(alias, password.isEmpty() ? null : password.toCharArray());
        Signature signer = Signature.getInstance(key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA");
        signer.initSign((PrivateKey) key);
        signer.update(MESSAGE);
        byte[] signature = signer.sign();
        assertEquals(Tpm4jProvider.NAME, signer.getProvider().getName());
        return signature;
    }

    /** openssl (default provider) verifies {@code signature} with {@code publicKey}, and refuses a damaged one. */
    private void opensslVerifies(PublicKey publicKey, byte[] signature) throws Exception {
        Files.write(dir.resolve("pub.der"), publicKey.getEncoded());
        Files.write(dir.resolve("message.bin"), MESSAGE);
        Files.write(dir.resolve("signature.bin"), signature);
        String out = succeed(Map.of(), "openssl", "dgst", "-sha256", "-verify", "pub.der", "-keyform", "DER",
                "-signature", "signature.bin", "message.bin");
        assertTrue(out.contains("Verified OK"), out);
        byte[] damaged = signature.clone();
        damaged[damaged.length / 2] ^= 1;
        Files.write(dir.resolve("signature.bin"), damaged);
        assertNotEquals(0, run(Map.of(), "openssl", "dgst", "-sha256", "-verify", "pub.der", "-keyform", "DER",
                "-signature", "signature.bin", "message.bin").exitCode());
    }

    private void opensslKeySignsThroughTheStore(String file, String password, String... options) throws Exception {
        String[] command = new String[8 + options.length];
        System.arraycopy(new String[] {"openssl", "genpkey", "-provider", "tpm2", "-provider", "default", "-out", file},
                0, command, 0, 8);
        System.arraycopy(options, 0, command, 8, options.length);
        succeed(tpm2Env(), command);
        succeed(tpm2Env(), "openssl", "pkey", "-provider", "tpm2", "-provider", "default", "-in", file, "-passin",
                "pass:" + password, "-pubout", "-outform", "DER", "-out", file + ".pub.der");
        PublicKey opensslPublic = PublicKeys.toPublicKey(TssPrivateKey.read(dir.resolve(file)).publicArea());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(dir.resolve(file + ".pub.der")), opensslPublic.getEncoded()));
        opensslVerifies(opensslPublic, signThroughTheStore(alias(file), password));
    }

    @Test
    void anEcKeyFromOpensslGenpkeySignsThroughTheStore() throws Exception {
        opensslKeySignsThroughTheStore("ec.pem", "", "-algorithm", "EC", "-pkeyopt", "group:P-256");
    }

    @Test
    void anRsaKeyFromOpensslGenpkeySignsThroughTheStore() throws Exception {
        opensslKeySignsThroughTheStore("rsa.pem", "", "-algorithm", "RSA", "-pkeyopt", "bits:2048");
    }

    @Test
    void aPasswordKeyFromOpensslGenpkeySignsThroughTheStoreWithItsPassword() throws Exception {
        opensslKeySignsThroughTheStore("pw.pem", "openssl pw", "-algorithm", "EC", "-pkeyopt", "group:P-256",
                "-pkeyopt", "user-auth:openssl pw");
    }

    /** A key made through the provider under the key file primary, written by the store to {@code file}. */
    private KeyPair storedKey(String algorithm, String file, String password) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm, provider);
        TpmKeyGenParameterSpec.Builder spec = algorithm.equals("EC") ? TpmKeyGenParameterSpec.ec("P-256")
                : TpmKeyGenParameterSpec.rsa(2048);
        spec.parent(TpmParent.keyFilePrimary());
        if (!password.isEmpty()) {
            spec.password(password.toCharArray());
        }
        generator.initialize(spec.build());
        KeyPair pair = generator.generateKeyPair();
        store.setEntry(alias(file), TpmKeyEntry.withoutChain((TpmKey) pair.getPrivate()),
                password.isEmpty() ? null : new KeyStore.PasswordProtection(password.toCharArray()));
        return pair;
    }

    private void storedKeySignsThroughOpensslPkeyutl(String algorithm, String password) throws Exception {
        KeyPair pair = storedKey(algorithm, "stored.pem", password);
        opensslVerifies(pair.getPublic(), signThroughTheStore(alias("stored.pem"), password));
        Files.write(dir.resolve("digest.bin"), MessageDigest.getInstance("SHA-256").digest(MESSAGE));
        succeed(tpm2Env(), "openssl", "pkeyutl", "-provider", "tpm2", "-provider", "default", "-sign", "-inkey",
                "stored.pem", "-passin", "pass:" + password, "-pkeyopt", "digest:sha256", "-in", "digest.bin",
                "-out", "openssl.sig");
        Signature verifier = Signature.getInstance(algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA");
        verifier.initVerify(pair.getPublic());
        verifier.update(MESSAGE);
        assertTrue(verifier.verify(Files.readAllBytes(dir.resolve("openssl.sig"))),
                "the JDK verifies what openssl signed with the file the key store wrote");
    }

    @Test
    void anEcKeyTheStoreWroteSignsThroughOpensslPkeyutl() throws Exception {
        storedKeySignsThroughOpensslPkeyutl("EC", "");
    }

    @Test
    void anRsaKeyTheStoreWroteSignsThroughOpensslPkeyutl() throws Exception {
        storedKeySignsThroughOpensslPkeyutl("RSA", "");
    }

    @Test
    void aPasswordKeyTheStoreWroteSignsThroughOpensslPkeyutlWithItsPassword() throws Exception {
        storedKeySignsThroughOpensslPkeyutl("EC", "stored pw");
    }

    private Path pytssScript() throws Exception {
        Path script = dir.resolve("tsskey_client.py");
        try (InputStream in = getClass().getResourceAsStream("/tsskey_client.py")) {
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    @Test
    void pytssKeysSignThroughTheStore() throws Exception {
        Path script = pytssScript();
        succeed(Map.of(), "/usr/bin/python3", script.toString(), tcti, "create", "ecc", "py-ecc.pem");
        succeed(Map.of(), "/usr/bin/python3", script.toString(), tcti, "create", "rsa", "py-rsa.pem");
        succeed(Map.of(), "/usr/bin/python3", script.toString(), tcti, "create", "ecc", "py-pw.pem", "pytss pw");
        for (String[] key : new String[][] {{"py-ecc.pem", ""}, {"py-rsa.pem", ""}, {"py-pw.pem", "pytss pw"}}) {
            PublicKey publicKey = PublicKeys.toPublicKey(TssPrivateKey.read(dir.resolve(key[0])).publicArea());
            opensslVerifies(publicKey, signThroughTheStore(alias(key[0]), key[1]));
        }
    }

    @Test
    void aKeyTheStoreWroteSignsInPytss() throws Exception {
        Path script = pytssScript();
        KeyPair pair = storedKey("EC", "for-pytss.pem", "for pytss");
        Files.write(dir.resolve("digest.bin"), MessageDigest.getInstance("SHA-256").digest(MESSAGE));
        succeed(Map.of(), "/usr/bin/python3", script.toString(), tcti, "sign", "for-pytss.pem", "digest.bin",
                "pytss.sig", "for pytss");
        io.tpm4j.api.types.Signature signature = io.tpm4j.api.types.Signature.read(
                new TpmReader(Files.readAllBytes(dir.resolve("pytss.sig"))));
        assertTrue(Signatures.verify(pair.getPublic(), signature, MESSAGE));
        assertFalse(Signatures.verify(pair.getPublic(), signature, "other".getBytes(StandardCharsets.UTF_8)));
    }
}
