package io.tpm4j.jca.keyfile;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key files tpm4j writes, read back and loaded into swtpm (through tpm4j's server): every key type, every parent kind. */
class TssKeyLoaderTest extends WithTpmServer {

    static void assertSigns(io.tpm4j.api.Tpm tpm, TpmObject key, PublicArea expectedPublic) throws Exception {
        byte[] message = ("signed with " + key).getBytes(StandardCharsets.UTF_8);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(message);
        assertTrue(Signatures.verify(PublicKeys.toPublicKey(expectedPublic), tpm.sign(key, digest), message),
                "the JDK verifies the signature with the file's public key");
    }

    @Test
    void theFormatsPrimaryIsNotTheTcgSrkOfTemplatesBecauseItsUniqueIsEmpty() {
        assertNotEquals(Templates.srkEccP256(), TssKeyLoader.eccParentTemplate());
        try (TpmObject formats = TssKeyLoader.createParent(tpm, TpmRh.OWNER, false);
             TpmObject tcgSrk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            assertEquals(formats.publicArea().parameters(), tcgSrk.publicArea().parameters());
            assertEquals(formats.publicArea().attributes(), tcgSrk.publicArea().attributes());
            assertNotEquals(formats.publicArea().unique(), tcgSrk.publicArea().unique(),
                    "two templates that differ only in unique make two different keys");
        }
    }

    @Test
    void aLoadableKeyWrittenReadAndLoadedUnderTheStandardParentSigns() throws Exception {
        TssPrivateKey written = newLoadableKeyFile(Templates.eccSigningKey(), new byte[0]);
        Path file = dir.resolve("key.pem");
        written.write(file);
        TssPrivateKey read = TssPrivateKey.read(file);
        assertEquals(written, read);
        try (TpmObject key = TssKeyLoader.load(tpm, read)) {
            assertSigns(tpm, key, read.publicArea());
        }
        // The same file under a parent the caller made once: the provider's way of loading many keys.
        try (TpmObject parent = TssKeyLoader.createParent(tpm, read);
             TpmObject first = TssKeyLoader.load(tpm, read, parent);
             TpmObject second = TssKeyLoader.load(tpm, TssPrivateKey.read(file), parent)) {
            assertSigns(tpm, first, read.publicArea());
            assertSigns(tpm, second, read.publicArea());
        }
    }

    @Test
    void anRsaParentFileLoadsUnderTheRsaPrimary() throws Exception {
        TssPrivateKey file;
        try (TpmObject parent = TssKeyLoader.createParent(tpm, TpmRh.OWNER, true)) {
            Create.Response created = tpm.create(parent, Templates.eccSigningKey());
            file = new TssPrivateKey(TssPrivateKey.Type.LOADABLE, true, List.of(), new byte[0], List.of(),
                    java.util.Optional.of("under the RSA primary"), true, TpmRh.OWNER, created.outPublic(),
                    created.outPrivate());
        }
        TssPrivateKey read = TssPrivateKey.fromPem(file.toPem());
        assertTrue(read.rsaParent());
        try (TpmObject key = TssKeyLoader.load(tpm, read)) {
            assertSigns(tpm, key, read.publicArea());
        }
        TssPrivateKey underEcc = new TssPrivateKey(read.type(), true, List.of(), new byte[0], List.of(),
                read.description(), false, TpmRh.OWNER, read.publicArea(), read.privateArea());
        TpmResponseException wrongParent = assertThrows(TpmResponseException.class,
                () -> TssKeyLoader.load(tpm, underEcc).close());
        assertTrue(wrongParent.is(TpmRc.INTEGRITY), wrongParent.getMessage());
    }

    @Test
    void aKeyUnderAPersistentParentLoadsByHandle() throws Exception {
        int handle = 0x81000042;
        try (TpmObject parent = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            tpm.persist(parent, handle);
        }
        try {
            Create.Response created;
            try (TpmObject parent = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
                created = tpm.create(parent, Templates.rsaSigningKey());
            }
            TssPrivateKey file = TssPrivateKey.fromPem(TssPrivateKey.loadable(handle, created.outPublic(),
                    created.outPrivate(), true).toPem());
            assertEquals(handle, file.parent());
            try (TpmObject key = TssKeyLoader.load(tpm, file)) {
                assertSigns(tpm, key, file.publicArea());
            }
        } finally {
            tpm.evict(handle);
        }
    }

    @Test
    void aSealedObjectWithAPasswordIsUnsealedInAnEncryptedSession() throws Exception {
        byte[] secret = "the disk key, 32 bytes of it....".getBytes(StandardCharsets.US_ASCII);
        byte[] password = "sealing password".getBytes(StandardCharsets.UTF_8);
        TssPrivateKey file;
        try (TpmObject parent = TssKeyLoader.createParent(tpm, TpmRh.OWNER, false)) {
            Create.Response created = tpm.create(parent, Templates.sealedData(), new SensitiveCreate(password, secret));
            file = TssPrivateKey.sealed(TpmRh.OWNER, created.outPublic(), created.outPrivate(), false);
        }
        TssPrivateKey read = TssPrivateKey.fromPem(file.toPem());
        assertEquals(TssPrivateKey.Type.SEALED, read.type());
        try (TpmObject parent = TssKeyLoader.createParent(tpm, read);
             TpmObject sealed = TssKeyLoader.load(tpm, read, parent)) {
            assertArrayEquals(secret, TssKeyLoader.unseal(tpm, sealed, parent, password));
            TpmResponseException wrong = assertThrows(TpmResponseException.class,
                    () -> TssKeyLoader.unseal(tpm, sealed, parent, "wrong".getBytes(StandardCharsets.UTF_8)));
            assertTrue(wrong.is(TpmRc.AUTH_FAIL), wrong.getMessage());
        }
    }

    @Test
    void anImportableKeyMadeByDuplicateWithoutInnerWrapperImportsLoadsAndSigns() throws Exception {
        TssPrivateKey importable;
        try (TpmObject parent = TssKeyLoader.createParent(tpm, TpmRh.OWNER, false)) {
            // To the same primary: what a remote party with the primary's public key makes in software.
            importable = ImportableKeyFiles.duplicated(tpm, parent, parent, TpmRh.OWNER).withPolicy(List.of(
                    new TssPrivateKey.TpmPolicy(TpmCc.POLICY_COMMAND_CODE.value(),
                            new TpmWriter().u32(TpmCc.DUPLICATE.value()).toByteArray())));
        }
        TssPrivateKey read = TssPrivateKey.fromPem(importable.toPem());
        assertEquals(importable, read);
        try (TpmObject key = TssKeyLoader.load(tpm, read)) {
            assertSigns(tpm, key, read.publicArea());
        }
        try (TpmObject parent = TssKeyLoader.createParent(tpm, read)) {
            TssPrivateKey loadable = TssKeyLoader.importToLoadable(tpm, read, parent);
            assertEquals(TssPrivateKey.Type.LOADABLE, loadable.type());
            assertEquals(read.policy(), loadable.policy());
            try (TpmObject key = TssKeyLoader.load(tpm, TssPrivateKey.fromDer(loadable.toDer()), parent)) {
                assertSigns(tpm, key, read.publicArea());
            }
        }
    }
}
