package io.tpm4j.jca;

import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.jca.keyfile.TssPrivateKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code TPM} key store on swtpm: keys written to {@code file:} aliases and made persistent at {@code handle:}
 * aliases come back as TPM keys that sign, with their chains; SunX509's key manager finds them; what the store refuses.
 */
class TpmKeyStoreTest extends WithProvider {

    private static final byte[] MESSAGE = "kept in a key store".getBytes(StandardCharsets.UTF_8);
    private static final String HANDLE = "handle:0x81000017";

    @TempDir
    Path dir;

    private KeyStore store() throws Exception {
        KeyStore ks = KeyStore.getInstance("TPM", provider);
        ks.load(null, null);
        return ks;
    }

    @AfterEach
    void noPersistentObjectLeft() {
        assertEquals(List.of(), raw.handles(TpmHt.PERSISTENT), "persistent objects left in the TPM");
    }

    private KeyPair fileKey(String curveOrRsa, char[] password) throws Exception {
        TpmKeyGenParameterSpec.Builder spec = curveOrRsa.equals("RSA") ? TpmKeyGenParameterSpec.rsa(2048)
                : TpmKeyGenParameterSpec.ec(curveOrRsa);
        spec.parent(TpmParent.keyFilePrimary());
        if (password != null) {
            spec.password(password);
        }
        return generate(curveOrRsa.equals("RSA") ? "RSA" : "EC", spec.build());
    }

    private static void signsAndVerifies(Key key, PublicKey publicKey) throws Exception {
        String algorithm = publicKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        Signature signer = Signature.getInstance(algorithm, ((TpmKey) key).provider());
        signer.initSign((PrivateKey) key);
        signer.update(MESSAGE);
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(MESSAGE);
        assertTrue(verifier.verify(signer.sign()));
    }

    private X509Certificate[] certify(String name, KeyPair pair) throws Exception {
        String algorithm = pair.getPublic().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        return TestCa.create(dir).issue(name, pair.getPublic(), Signature.getInstance(algorithm, provider),
                pair.getPrivate());
    }

    @Test
    void aFileAliasWritesTheKeyAndChainAndReadsThemBack() throws Exception {
        KeyPair pair = fileKey("P-256", null);
        X509Certificate[] chain = certify("file-key", pair);
        Path file = dir.resolve("device.pem");
        String alias = "file:" + file;
        KeyStore ks = store();
        ks.setKeyEntry(alias, pair.getPrivate(), null, chain);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        TssPrivateKey written = TssPrivateKey.read(file);
        assertEquals(TpmRh.OWNER, written.parent(), "the format's owner primary");
        assertTrue(written.emptyAuth());
        assertEquals(((TpmKey) pair.getPrivate()).publicArea(), written.publicArea());
        assertTrue(Files.readString(dir.resolve("device.crt.pem")).startsWith("-----BEGIN CERTIFICATE-----"));

        KeyStore again = store();   // a new store instance reads what the first wrote
        assertTrue(again.containsAlias(alias) && again.isKeyEntry(alias));
        assertFalse(again.isCertificateEntry(alias));
        Key key = again.getKey(alias, null);
        assertInstanceOf(TpmEcKey.class, key);
        signsAndVerifies(key, pair.getPublic());
        assertArrayEquals(chain, again.getCertificateChain(alias));
        assertEquals(chain[0], again.getCertificate(alias));
        assertEquals(alias, again.getCertificateAlias(chain[0]));
        assertTrue(Collections.list(again.aliases()).contains(alias), "a file alias used by the store is listed");
        assertEquals(1, again.size());

        again.deleteEntry(alias);
        assertFalse(Files.exists(file) || Files.exists(dir.resolve("device.crt.pem")));
        assertFalse(again.containsAlias(alias));
        assertNull(again.getKey(alias, null));
        assertEquals(0, again.size());
    }

    @Test
    void aPasswordKeyFileNeedsItsPassword() throws Exception {
        char[] password = "store pw".toCharArray();
        KeyPair pair = fileKey("RSA", password);
        String alias = "file:" + dir.resolve("rsa.pem");
        KeyStore ks = store();
        assertThrows(KeyStoreException.class, () -> ks.setEntry(alias, TpmKeyEntry.withoutChain((TpmKey) pair.getPrivate()), new KeyStore.PasswordProtection("other".toCharArray())),
                "a password that is not the key's");
        ks.setEntry(alias, TpmKeyEntry.withoutChain((TpmKey) pair.getPrivate()), new KeyStore.PasswordProtection(password));
        assertFalse(TssPrivateKey.read(dir.resolve("rsa.pem")).emptyAuth());
        assertNull(ks.getCertificateChain(alias));
        UnrecoverableKeyException none = assertThrows(UnrecoverableKeyException.class, () -> ks.getKey(alias, null));
        assertTrue(none.getMessage().contains("password"), none.getMessage());
        Key key = ks.getKey(alias, password);
        assertInstanceOf(TpmRsaKey.class, key);
        assertTrue(((TpmKey) key).hasPassword());
        signsAndVerifies(key, pair.getPublic());
    }

    @Test
    void aFileHoldingAnotherKeyIsNotOverwrittenButTheSameKeyGetsANewChain() throws Exception {
        KeyPair first = fileKey("P-256", null);
        KeyPair second = fileKey("P-256", null);
        String alias = "file:" + dir.resolve("k.pem");
        KeyStore ks = store();
        ks.setEntry(alias, TpmKeyEntry.withoutChain((TpmKey) first.getPrivate()), null);
        byte[] before = Files.readAllBytes(dir.resolve("k.pem"));
        KeyStoreException refused = assertThrows(KeyStoreException.class,
                () -> ks.setEntry(alias, TpmKeyEntry.withoutChain((TpmKey) second.getPrivate()), null));
        assertTrue(refused.getMessage().contains("not overwritten"), refused.getMessage());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("k.pem")));
        X509Certificate[] chain = certify("k", first);
        ks.setKeyEntry(alias, first.getPrivate(), null, chain);
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("k.pem")));
        assertArrayEquals(chain, ks.getCertificateChain(alias));
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry(alias, first.getPrivate(), null,
                new Certificate[] {chain[1]}), "a chain for another key");
    }

    @Test
    void aKeyUnderTpm4jsOwnSrkCannotBeNamedByAFile() throws Exception {
        KeyPair pair = ec("P-256");   // under the standard SRK tpm4j created, which a file cannot name
        KeyStoreException e = assertThrows(KeyStoreException.class,
                () -> store().setEntry("file:" + dir.resolve("srk.pem"), TpmKeyEntry.withoutChain((TpmKey) pair.getPrivate()), null));
        assertTrue(e.getMessage().contains("keyFilePrimary"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("srk.pem")));
    }

    @Test
    void aHandleAliasMakesTheKeyPersistentAndDeleteEvictsIt() throws Exception {
        KeyPair pair = ec("P-256");
        KeyStore ks = store();
        assertFalse(ks.containsAlias(HANDLE));
        X509Certificate[] chain = certify("persistent", pair);
        ks.setKeyEntry(HANDLE, pair.getPrivate(), null, chain);
        try {
            assertEquals(List.of(0x81000017), raw.handles(TpmHt.PERSISTENT));
            assertTrue(Collections.list(ks.aliases()).contains(HANDLE));
            assertTrue(ks.isKeyEntry(HANDLE));
            Key key = ks.getKey(HANDLE, null);
            assertInstanceOf(TpmEcKey.class, key);
            assertEquals(0x81000017, ((TpmKey) key).handle().orElseThrow());
            signsAndVerifies(key, pair.getPublic());
            assertArrayEquals(chain, ks.getCertificateChain(HANDLE));
            assertNull(store().getCertificateChain(HANDLE), "without a chain directory a chain lives with its store");
            KeyPair other = ec("P-256");
            assertThrows(KeyStoreException.class, () -> ks.setEntry(HANDLE, TpmKeyEntry.withoutChain((TpmKey) other.getPrivate()), null),
                    "an occupied handle is not evicted");
        } finally {
            ks.deleteEntry(HANDLE);
        }
        assertEquals(List.of(), raw.handles(TpmHt.PERSISTENT));
        assertFalse(ks.containsAlias(HANDLE));
        assertNull(ks.getKey(HANDLE, null));
        assertNull(ks.getCertificateChain(HANDLE));
    }

    @Test
    void aChainDirectoryKeepsPersistentKeysChains() throws Exception {
        KeyPair pair = ec("P-256");
        X509Certificate[] chain = certify("dir", pair);
        Path chains = Files.createDirectory(dir.resolve("chains"));
        KeyStore ks = KeyStore.getInstance("TPM", provider);
        ks.load(TpmKeyStoreParameter.handleChainsIn(chains));
        ks.setKeyEntry(HANDLE, pair.getPrivate(), null, chain);
        try {
            assertTrue(Files.exists(chains.resolve("handle-0x81000017.crt.pem")));
            KeyStore other = KeyStore.getInstance("TPM", provider);
            other.load(TpmKeyStoreParameter.handleChainsIn(chains));
            assertArrayEquals(chain, other.getCertificateChain(HANDLE));
        } finally {
            ks.deleteEntry(HANDLE);
        }
        assertFalse(Files.exists(chains.resolve("handle-0x81000017.crt.pem")));
    }

    @Test
    void sunX509FindsTheKeyAndChain() throws Exception {
        KeyPair pair = fileKey("P-256", null);
        X509Certificate[] chain = certify("tls", pair);
        String alias = "file:" + dir.resolve("tls.pem");
        KeyStore ks = store();
        ks.setKeyEntry(alias, pair.getPrivate(), null, chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(ks, new char[0]);
        X509KeyManager km = (X509KeyManager) kmf.getKeyManagers()[0];
        assertEquals(alias, km.chooseServerAlias("EC", null, null));
        PrivateKey key = km.getPrivateKey(alias);
        assertInstanceOf(TpmEcKey.class, key);
        assertArrayEquals(chain, km.getCertificateChain(alias));
        signsAndVerifies(key, pair.getPublic());
    }

    @Test
    void whatTheStoreRefuses() throws Exception {
        KeyStore ks = store();
        TpmKeyEntry entry = TpmKeyEntry.withoutChain((TpmKey) ec("P-256").getPrivate());
        assertThrows(KeyStoreException.class, () -> ks.setEntry("key.pem", entry, null), "not a URI alias");
        assertThrows(KeyStoreException.class, () -> ks.setEntry("file:relative.pem", entry, null), "a relative path");
        PrivateKey software = java.security.KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate();
        Certificate[] someChain = certify("sw", ec("P-256"));
        KeyStoreException e = assertThrows(KeyStoreException.class,
                () -> ks.setKeyEntry("file:" + dir.resolve("sw.pem"), software, null, someChain));
        assertTrue(e.getMessage().contains("software key"), e.getMessage());
        assertThrows(KeyStoreException.class, () -> ks.setCertificateEntry("file:" + dir.resolve("c.pem"), someChain[0]));
        Files.writeString(dir.resolve("junk.pem"), "-----BEGIN TSS2 PRIVATE KEY-----\nAAAA\n-----END TSS2 PRIVATE KEY-----\n");
        assertThrows(UnrecoverableKeyException.class, () -> ks.getKey("file:" + dir.resolve("junk.pem"), null));
        assertNull(ks.getKey("handle:0x81000099", null), "nothing persistent there");
        assertNull(ks.getKey("no alias", null));
        assertThrows(java.io.IOException.class, () -> KeyStore.getInstance("TPM", provider)
                .load(new java.io.ByteArrayInputStream(new byte[1]), null));
    }

    @Test
    void aFileWithAPersistentParentLoadsUnderIt() throws Exception {
        KeyStore ks = store();
        KeyPair parentPair = generate("EC", TpmKeyGenParameterSpec.ec("P-256").parent(TpmParent.keyFilePrimary())
                .restricted(true).decrypt(true).sign(false).build());
        ks.setEntry("handle:0x81000020", TpmKeyEntry.withoutChain((TpmKey) parentPair.getPrivate()), null);
        try {
            KeyPair child = generate("EC", TpmKeyGenParameterSpec.ec("P-256").parent(TpmParent.persistent(0x81000020))
                    .build());
            String alias = "file:" + dir.resolve("child.pem");
            ks.setEntry(alias, TpmKeyEntry.withoutChain((TpmKey) child.getPrivate()), null);
            assertEquals(0x81000020, TssPrivateKey.read(dir.resolve("child.pem")).parent());
            signsAndVerifies(store().getKey(alias, null), child.getPublic());
        } finally {
            ks.deleteEntry("handle:0x81000020");
        }
    }
}
