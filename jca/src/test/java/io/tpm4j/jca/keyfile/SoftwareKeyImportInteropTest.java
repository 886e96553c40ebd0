package io.tpm4j.jca.keyfile;

import io.tpm4j.api.KeyImports;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.keys.Duplicates;
import io.tpm4j.api.keys.ImportBlob;
import io.tpm4j.api.keys.PrivateKeyFiles;
import io.tpm4j.api.keys.SoftwareKey;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.jca.Tpm4jProvider;
import io.tpm4j.jca.TpmKey;
import io.tpm4j.jca.TpmParent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Software keys wrapped in pure Java cross to the other stacks, all on one swtpm behind tpm4j's server: tpm2_import
 * takes tpm4j's blob for a parent tpm2-tools made (knowing only its public area) and the key signs in tpm2_sign; a blob
 * tpm2_duplicate wrapped offline imports in tpm4j; an imported key signs through the JCA provider, from a TSS2
 * importable key file through the key store, and as a loadable key file through OpenSSL's tpm2 provider. The JDK verifies every signature with the original public key.
 */
class SoftwareKeyImportInteropTest extends WithTpmServer {

    private static final byte[] MESSAGE = "wrapped in Java, imported by the tools".getBytes(StandardCharsets.UTF_8);

    private Map<String, String> toolsEnv() {
        return Map.of("TPM2TOOLS_TCTI", tcti, "TPM2OPENSSL_TCTI", tcti);
    }

    private static KeyPair rsa2048() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static KeyPair ecP256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private void writeSized(String file, byte[] contents) throws Exception {
        Files.write(dir.resolve(file), new TpmWriter().tpm2b(contents).toByteArray());
    }

    private byte[] readSized(String file) throws Exception {
        TpmReader in = new TpmReader(Files.readAllBytes(dir.resolve(file)));
        byte[] contents = in.tpm2b(4096, file);
        in.expectEnd(file);
        return contents;
    }

    private static boolean jdkVerifies(String algorithm, KeyPair pair, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(pair.getPublic());
        verifier.update(MESSAGE);
        return verifier.verify(signature);
    }

    @Test
    void tpm2ImportTakesTpm4jsBlobAndTheKeySignsInTheTools() throws Exception {
        succeed(toolsEnv(), "tpm2_createprimary", "-C", "o", "-c", "parent.ctx");
        succeed(toolsEnv(), "tpm2_readpublic", "-c", "parent.ctx", "-o", "parent.pub");
        // All the wrapping side knows of the parent: its public area.
        PublicArea parent = PublicArea.readSized(new TpmReader(Files.readAllBytes(dir.resolve("parent.pub"))));
        KeyPair pair = rsa2048();
        ImportBlob blob = Duplicates.wrap(SoftwareKey.of(pair), parent);
        Files.write(dir.resolve("key.pub"), new TpmWriter().tpm2b(blob.objectPublic().toBytes()).toByteArray());
        writeSized("key.dup", blob.duplicate());
        writeSized("key.seed", blob.inSymSeed());
        succeed(toolsEnv(), "tpm2_import", "-C", "parent.ctx", "-u", "key.pub", "-i", "key.dup", "-s", "key.seed",
                "-r", "key.priv");
        succeed(toolsEnv(), "tpm2_load", "-C", "parent.ctx", "-u", "key.pub", "-r", "key.priv", "-c", "key.ctx");
        Files.write(dir.resolve("message.bin"), MESSAGE);
        succeed(toolsEnv(), "tpm2_sign", "-c", "key.ctx", "-g", "sha256", "-f", "plain", "-o", "signature.bin",
                "message.bin");
        assertTrue(jdkVerifies("SHA256withRSA", pair, Files.readAllBytes(dir.resolve("signature.bin"))));
    }

    @Test
    void tpm2DuplicatesOfflineBlobImportsInTpm4j() throws Exception {
        succeed(Map.of(), "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                "key.pem");
        KeyPair pair = PrivateKeyFiles.read(dir.resolve("key.pem"));
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, io.tpm4j.api.types.Templates.srkEccP256())) {
            Files.write(dir.resolve("parent.pub"), new TpmWriter().tpm2b(srk.publicArea().toBytes()).toByteArray());
            succeed(toolsEnv(), "tpm2_duplicate", "-U", "parent.pub", "-G", "ecc", "-k", "key.pem", "-u", "key.pub",
                    "-r", "key.dpriv", "-s", "key.seed");
            PublicArea objectPublic = PublicArea.readSized(new TpmReader(Files.readAllBytes(dir.resolve("key.pub"))));
            ImportBlob blob = new ImportBlob(objectPublic, readSized("key.dpriv"), readSized("key.seed"), new byte[0],
                    SymmetricDefinition.NULL);
            try (TpmObject key = KeyImports.importAndLoad(tpm, srk, blob)) {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
                io.tpm4j.api.types.Signature signature = tpm.execute(new io.tpm4j.api.commands.Sign(key.handle(),
                        io.tpm4j.api.session.Authorization.emptyPassword(), digest,
                        io.tpm4j.api.types.Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256),
                        io.tpm4j.api.commands.Sign.nullTicket())).signature();
                assertTrue(Signatures.verify(pair.getPublic(), signature, MESSAGE));
            }
        }
    }

    @Test
    void importedKeySignsThroughTheProviderAndAsAnOpensslKeyFile() throws Exception {
        KeyPair pair = ecP256();
        SoftwareKey software = SoftwareKey.of(pair);
        // The key file format's owner primary: what tpm2-openssl creates for parent 0x40000001.
        PublicArea parentPublic;
        Create.Response imported;
        ImportBlob blob;
        try (TpmObject parent = TssKeyLoader.createParent(tpm, TpmRh.OWNER, false)) {
            parentPublic = parent.publicArea();
            blob = Duplicates.wrap(software, parentPublic);
            imported = KeyImports.importKey(tpm, parent, blob);
        }
        TssPrivateKey.importable(TpmRh.OWNER, blob.objectPublic(), blob.duplicate(), blob.inSymSeed(), true)
                .write(dir.resolve("importable.pem"));
        try (Tpm4jProvider provider = new Tpm4jProvider().configure("unix:" + dir.resolve("raw.sock"))) {
            TpmKey key = provider.loadableKey(imported.outPublic(), imported.outPrivate(),
                    TpmParent.primary(TpmRh.OWNER, TssKeyLoader.eccParentTemplate()), null, null);
            assertTrue(jdkVerifies("SHA256withECDSA", pair, signWith(provider, key)));
            // The blob as an importable TSS2 key file: the key store imports it under the primary and signs.
            KeyStore store = KeyStore.getInstance("TPM", provider);
            store.load(null, null);
            Key fromFile = store.getKey("file:" + dir.resolve("importable.pem"), null);
            assertTrue(jdkVerifies("SHA256withECDSA", pair, signWith(provider, fromFile)));
        }
        // What TPM2_Import returned, as a loadable TSS2 key file: OpenSSL's tpm2 provider signs with it.
        TssPrivateKey.loadable(TpmRh.OWNER, imported.outPublic(), imported.outPrivate(), true)
                .write(dir.resolve("imported.pem"));
        Files.write(dir.resolve("message.bin"), MESSAGE);
        succeed(toolsEnv(), "openssl", "pkeyutl", "-provider", "tpm2", "-provider", "default", "-sign", "-inkey",
                "imported.pem", "-rawin", "-digest", "sha256", "-in", "message.bin", "-out", "signature.der");
        assertTrue(jdkVerifies("SHA256withECDSA", pair, Files.readAllBytes(dir.resolve("signature.der"))));
    }

    private static byte[] signWith(Tpm4jProvider provider, Key key) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA", provider);
        signer.initSign((PrivateKey) key);
        signer.update(MESSAGE);
        return signer.sign();
    }
}
