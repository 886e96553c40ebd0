package io.tpm4j.apiswtpm;

import io.tpm4j.api.KeyImports;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.keys.Duplicates;
import io.tpm4j.api.keys.ImportBlob;
import io.tpm4j.api.keys.InnerWrapper;
import io.tpm4j.api.keys.KeyFileException;
import io.tpm4j.api.keys.PrivateKeyFiles;
import io.tpm4j.api.keys.SoftwareKey;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keys made in software, wrapped in pure Java for the SRK knowing only its public area, imported with TPM2_Import
 * and used: they sign what the JDK verifies with the original public key, HMAC as the JDK's HmacSHA256 and encrypt as
 * the JDK's AES-CFB. A blob for another parent or altered in one bit is refused with TPM_RC_INTEGRITY.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SoftwareKeyImportTest extends WithSrk {

    private static final byte[] MESSAGE = "a key born outside the TPM".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    static KeyPair ecP256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static KeyPair rsa2048() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** The loaded key signs SHA-256(MESSAGE) and the JDK verifies it with the original public key. */
    private static void signsForTheJdk(TpmObject key, KeyPair pair, Authorization auth) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
        Signature signature = tpm.execute(new Sign(key.handle(), auth, digest, Scheme.NULL, Sign.nullTicket()))
                .signature();
        assertTrue(Signatures.verify(pair.getPublic(), signature, MESSAGE), "the JDK rejects the TPM's signature");
    }

    @Test
    void jdkEcAndRsaKeysWrappedForTheSrkSignWhatTheJdkVerifies() throws Exception {
        for (KeyPair pair : new KeyPair[] {ecP256(), rsa2048()}) {
            SoftwareKey key = SoftwareKey.of(pair);
            ImportBlob blob = Duplicates.wrap(key, srk.publicArea());
            try (TpmObject loaded = KeyImports.importAndLoad(tpm, srk, blob)) {
                assertArrayEquals(key.name(), loaded.name(), "the TPM's Name for the imported key");
                signsForTheJdk(loaded, pair, Authorization.emptyPassword());
            }
        }
    }

    @Test
    void innerWrapperAndPasswordAreHonoured() throws Exception {
        KeyPair pair = ecP256();
        SoftwareKey key = SoftwareKey.of(pair).withPassword("key password");
        InnerWrapper inner = InnerWrapper.aes128Cfb();
        ImportBlob blob = Duplicates.wrap(key, srk.publicArea(), inner);
        Create.Response imported = KeyImports.importKey(tpm, srk, blob);
        try (TpmObject loaded = tpm.load(srk, imported)) {
            signsForTheJdk(loaded, pair, Authorization.password("key password".getBytes(StandardCharsets.UTF_8)));
            TpmResponseException wrongPassword = assertThrows(TpmResponseException.class,
                    () -> signsForTheJdk(loaded, pair, Authorization.emptyPassword()));
            assertTrue(wrongPassword.is(TpmRc.AUTH_FAIL) || wrongPassword.is(TpmRc.BAD_AUTH), wrongPassword.getMessage());
        }
        // With another inner key the TPM decrypts garbage: its integrity digest's size (TPM_RC_SIZE, mostly) or the
        // digest itself (TPM_RC_INTEGRITY) gives it away.
        byte[] otherKey = new byte[16];
        RANDOM.nextBytes(otherKey);
        ImportBlob wrongInner = new ImportBlob(blob.objectPublic(), blob.duplicate(), blob.inSymSeed(), otherKey,
                blob.symmetricAlg());
        TpmResponseException refused = assertThrows(TpmResponseException.class,
                () -> KeyImports.importKey(tpm, srk, wrongInner));
        assertTrue(refused.is(TpmRc.SIZE) || refused.is(TpmRc.INTEGRITY), refused.getMessage());
    }

    @Test
    void blobForAnotherParentOrAlteredIsRefusedWithTheIntegrityError() throws Exception {
        SoftwareKey key = SoftwareKey.of(ecP256());
        Create.Response other = tpm.create(srk, Templates.srkEccP256());
        ImportBlob forOther = Duplicates.wrap(key, other.outPublic());
        TpmResponseException wrongParent = assertThrows(TpmResponseException.class,
                () -> KeyImports.importKey(tpm, srk, forOther));
        assertTrue(wrongParent.is(TpmRc.INTEGRITY), wrongParent.getMessage());
        assertEquals(TpmCc.IMPORT.value(), wrongParent.commandCode());
        assertTrue(wrongParent.getMessage().contains("INTEGRITY"), wrongParent.getMessage());

        ImportBlob good = Duplicates.wrap(key, srk.publicArea());
        byte[] duplicate = good.duplicate();
        duplicate[duplicate.length - 1] ^= 0x01;
        ImportBlob altered = new ImportBlob(good.objectPublic(), duplicate, good.inSymSeed(), new byte[0],
                good.symmetricAlg());
        TpmResponseException tampered = assertThrows(TpmResponseException.class,
                () -> KeyImports.importKey(tpm, srk, altered));
        assertTrue(tampered.is(TpmRc.INTEGRITY), tampered.getMessage());
        // The untouched blob still imports: the refusals were the wrapper's doing.
        try (TpmObject loaded = KeyImports.importAndLoad(tpm, srk, good)) {
            assertArrayEquals(key.name(), loaded.name());
        }
    }

    @Test
    void hmacKeyImportedComputesTheJdksHmac() throws Exception {
        byte[] bits = new byte[32];
        RANDOM.nextBytes(bits);
        SecretKeySpec secret = new SecretKeySpec(bits, "HmacSHA256");
        try (TpmObject loaded = KeyImports.importAndLoad(tpm, srk, Duplicates.wrap(SoftwareKey.of(secret),
                srk.publicArea()))) {
            Mac jdk = Mac.getInstance("HmacSHA256");
            jdk.init(secret);
            assertArrayEquals(jdk.doFinal(MESSAGE), tpm.hmac(loaded, MESSAGE));
        }
    }

    @Test
    void aesKeyImportedEncryptsAsTheJdksAesCfb() throws Exception {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        byte[] iv = new byte[16];
        RANDOM.nextBytes(iv);
        SecretKeySpec secret = new SecretKeySpec(bits, "AES");
        try (TpmObject loaded = KeyImports.importAndLoad(tpm, srk, Duplicates.wrap(SoftwareKey.of(secret),
                srk.publicArea(), InnerWrapper.aes128Cfb()))) {
            Cipher jdk = Cipher.getInstance("AES/CFB/NoPadding");
            jdk.init(Cipher.ENCRYPT_MODE, secret, new IvParameterSpec(iv));
            byte[] cipherText = tpm.encrypt(loaded, iv, MESSAGE);
            assertArrayEquals(jdk.doFinal(MESSAGE), cipherText);
            assertArrayEquals(MESSAGE, tpm.decrypt(loaded, iv, cipherText));
        }
    }

    @Test
    void loadExternalWithThePrivatePartSigns() throws Exception {
        for (KeyPair pair : new KeyPair[] {ecP256(), rsa2048()}) {
            SoftwareKey key = SoftwareKey.of(pair);
            try (TpmObject loaded = KeyImports.loadExternal(tpm, key)) {
                signsForTheJdk(loaded, pair, Authorization.emptyPassword());
            }
        }
    }

    @Test
    void fixedKeysAndNonStorageParentsAreRefusedBeforeTheTpm() throws Exception {
        SoftwareKey key = SoftwareKey.of(ecP256());
        SoftwareKey fixed = key.withAttributes(ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
                ObjectAttributes.FIXED_PARENT, ObjectAttributes.USER_WITH_AUTH, ObjectAttributes.SIGN_ENCRYPT));
        IllegalArgumentException notImportable = assertThrows(IllegalArgumentException.class,
                () -> Duplicates.wrap(fixed, srk.publicArea()));
        assertTrue(notImportable.getMessage().contains("fixedTPM"), notImportable.getMessage());
        IllegalArgumentException notAParent = assertThrows(IllegalArgumentException.class,
                () -> Duplicates.wrap(key, key.publicArea()));
        assertTrue(notAParent.getMessage().contains("not a storage key"), notAParent.getMessage());
    }

    /** Keys {@code openssl genpkey} made, in PKCS#8 and the traditional forms, import and sign. */
    @Test
    void opensslKeyFilesImportAndSign() throws Exception {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem");
        openssl("ec", "-in", "ec.pem", "-out", "ec-traditional.pem");
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
        openssl("pkey", "-in", "rsa.pem", "-traditional", "-out", "rsa-traditional.pem");
        for (String file : new String[] {"ec.pem", "ec-traditional.pem", "rsa.pem", "rsa-traditional.pem"}) {
            String name = file.startsWith("ec") ? "ec" : "rsa";
            openssl("pkey", "-in", name + ".pem", "-pubout", "-outform", "DER", "-out", name + ".pub.der");
            KeyPair pair = PrivateKeyFiles.read(dir.resolve(file));
            assertArrayEquals(java.nio.file.Files.readAllBytes(dir.resolve(name + ".pub.der")),
                    pair.getPublic().getEncoded(), file + ": the public key openssl derives");
            try (TpmObject loaded = KeyImports.importAndLoad(tpm, srk, Duplicates.wrap(SoftwareKey.of(pair),
                    srk.publicArea()))) {
                signsForTheJdk(loaded, pair, Authorization.emptyPassword());
            }
        }
        assertTrue(java.nio.file.Files.readString(dir.resolve("ec-traditional.pem")).contains("BEGIN EC PRIVATE KEY"));
        assertTrue(java.nio.file.Files.readString(dir.resolve("rsa-traditional.pem")).contains("BEGIN RSA PRIVATE KEY"));
        openssl("pkey", "-in", "ec.pem", "-aes256", "-passout", "pass:secret", "-out", "encrypted.pem");
        KeyFileException encrypted = assertThrows(KeyFileException.class,
                () -> PrivateKeyFiles.read(dir.resolve("encrypted.pem")));
        assertTrue(encrypted.getMessage().contains("encrypted"), encrypted.getMessage());
    }

    private void openssl(String... arguments) throws Exception {
        String[] command = new String[arguments.length + 1];
        command[0] = "openssl";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
    }
}
