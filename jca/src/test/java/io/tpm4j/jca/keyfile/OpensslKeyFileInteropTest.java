package io.tpm4j.jca.keyfile;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key files cross between tpm4j and OpenSSL's tpm2 provider (Debian tpm2-openssl), both on one swtpm through tpm4j's
 * server (the provider over tpm2-tss's mssim TCTI): keys openssl made load in tpm4j and sign what openssl verifies;
 * a key tpm4j wrote signs in openssl and the JDK verifies it.
 */
class OpensslKeyFileInteropTest extends WithTpmServer {

    private static final byte[] MESSAGE = "a message for a key that moved between stacks".getBytes(StandardCharsets.UTF_8);

    private Map<String, String> tpm2Env() {
        return Map.of("TPM2OPENSSL_TCTI", tcti);
    }

    private TssPrivateKey genpkey(String file, String... options) throws Exception {
        String[] command = new String[8 + options.length];
        System.arraycopy(new String[] {"openssl", "genpkey", "-provider", "tpm2", "-provider", "default", "-out", file},
                0, command, 0, 8);
        System.arraycopy(options, 0, command, 8, options.length);
        succeed(tpm2Env(), command);
        String pem = Files.readString(dir.resolve(file));
        assertTrue(pem.startsWith("-----BEGIN TSS2 PRIVATE KEY-----"), pem);
        return TssPrivateKey.read(dir.resolve(file));
    }

    /** The public key as openssl derives it from the key file (through the provider), in the JDK's encoding. */
    private byte[] opensslPublicKey(String file, String password) throws Exception {
        succeed(tpm2Env(), "openssl", "pkey", "-provider", "tpm2", "-provider", "default", "-in", file,
                "-passin", "pass:" + password, "-pubout", "-outform", "DER", "-out", file + ".pub.der");
        return Files.readAllBytes(dir.resolve(file + ".pub.der"));
    }

    /** Signs SHA-256(MESSAGE) in tpm4j with the scheme the key's type needs (the provider's keys have none of their own). */
    private static Signature sign(Tpm tpm, TpmObject key, byte[] password) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
        Scheme scheme = key.publicArea().parameters() instanceof PublicParameters.Ecc
                ? Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256) : Scheme.of(TpmAlg.RSASSA, TpmAlg.SHA256);
        return tpm.execute(new Sign(key.handle(), Authorization.password(password), digest, scheme, Sign.nullTicket()))
                .signature();
    }

    /** openssl (default provider only) verifies a tpm4j signature with the public half openssl derived. */
    private void opensslVerifies(String file, Signature signature) throws Exception {
        Files.write(dir.resolve("message.bin"), MESSAGE);
        Files.write(dir.resolve("signature.bin"), Signatures.toJca(signature));
        String out = succeed(Map.of(), "openssl", "dgst", "-sha256", "-verify", file + ".pub.der", "-keyform", "DER",
                "-signature", "signature.bin", "message.bin");
        assertTrue(out.contains("Verified OK"), out);
        byte[] damaged = Signatures.toJca(signature);
        damaged[damaged.length - 1] ^= 1;
        Files.write(dir.resolve("signature.bin"), damaged);
        assertNotEquals(0, run(Map.of(), "openssl", "dgst", "-sha256", "-verify", file + ".pub.der", "-keyform", "DER",
                "-signature", "signature.bin", "message.bin").exitCode(), "a damaged signature must not verify");
    }

    private void opensslKeySignsInTpm4j(String file, byte[] password, String... genpkeyOptions) throws Exception {
        TssPrivateKey key = genpkey(file, genpkeyOptions);
        assertEquals(TssPrivateKey.Type.LOADABLE, key.type());
        assertEquals(TpmRh.OWNER, key.parent(), "tpm2-openssl puts its keys under the owner's primary");
        assertEquals(password.length == 0, key.emptyAuth());
        PublicKey fromFile = PublicKeys.toPublicKey(key.publicArea());
        assertArrayEquals(opensslPublicKey(file, new String(password, StandardCharsets.UTF_8)), fromFile.getEncoded(),
                "openssl and tpm4j read the same public key");
        try (TpmObject loaded = TssKeyLoader.load(tpm, key)) {
            Signature signature = sign(tpm, loaded, password);
            assertTrue(Signatures.verify(fromFile, signature, MESSAGE), "the JDK verifies with the file's public key");
            opensslVerifies(file, signature);
        }
        // Written again by tpm4j, the file holds the same fields (openssl writes BOOLEAN TRUE as 0x01, tpm4j as DER's 0xFF).
        assertEquals(key, TssPrivateKey.fromDer(key.toDer()));
    }

    @Test
    void anEcP256KeyFromOpensslGenpkeyLoadsAndSigns() throws Exception {
        opensslKeySignsInTpm4j("ec.pem", new byte[0], "-algorithm", "EC", "-pkeyopt", "group:P-256");
    }

    @Test
    void anRsaKeyFromOpensslGenpkeyLoadsAndSigns() throws Exception {
        opensslKeySignsInTpm4j("rsa.pem", new byte[0], "-algorithm", "RSA", "-pkeyopt", "bits:2048");
    }

    @Test
    void aPasswordProtectedKeyFromOpensslLoadsAndSignsWithItsPassword() throws Exception {
        opensslKeySignsInTpm4j("pw.pem", "key password 1".getBytes(StandardCharsets.UTF_8), "-algorithm", "EC",
                "-pkeyopt", "group:P-256", "-pkeyopt", "user-auth:key password 1");
    }

    /** A key tpm4j made under the format's primary, written by tpm4j, signs in openssl; the JDK verifies. */
    private void tpm4jKeySignsInOpenssl(PublicArea template, String jdkAlgorithm) throws Exception {
        TssPrivateKey file = newLoadableKeyFile(template, new byte[0]);
        Path path = dir.resolve("tpm4j.pem");
        file.write(path);
        Files.write(dir.resolve("message.bin"), MESSAGE);
        Files.write(dir.resolve("digest.bin"), MessageDigest.getInstance("SHA-256").digest(MESSAGE));
        succeed(tpm2Env(), "openssl", "pkeyutl", "-provider", "tpm2", "-provider", "default", "-sign", "-inkey",
                "tpm4j.pem", "-pkeyopt", "digest:sha256", "-in", "digest.bin", "-out", "openssl.sig");
        byte[] signature = Files.readAllBytes(dir.resolve("openssl.sig"));
        java.security.Signature verifier = java.security.Signature.getInstance(jdkAlgorithm);
        verifier.initVerify(PublicKeys.toPublicKey(file.publicArea()));
        verifier.update(MESSAGE);
        assertTrue(verifier.verify(signature), "the JDK verifies what openssl signed with the tpm4j key file");
        verifier.initVerify(PublicKeys.toPublicKey(file.publicArea()));
        verifier.update("another message".getBytes(StandardCharsets.UTF_8));
        assertFalse(verifier.verify(signature));
    }

    @Test
    void anEcKeyFileTpm4jWroteSignsThroughOpensslPkeyutl() throws Exception {
        tpm4jKeySignsInOpenssl(Templates.eccSigningKey(), "SHA256withECDSA");
    }

    @Test
    void anRsaKeyFileTpm4jWroteSignsThroughOpensslPkeyutl() throws Exception {
        tpm4jKeySignsInOpenssl(Templates.rsaSigningKey(), "SHA256withRSA");
    }

    /**
     * tpm2-openssl 1.1.1 knows only type, emptyAuth, parent, pubkey and privkey: a file with the draft's later fields
     * (here description) is refused, so tpm4j writes an optional field only when the key has it.
     */
    @Test
    void opensslReadsAPlainTpm4jFileAndRefusesOneWithFieldsItDoesNotKnow() throws Exception {
        TssPrivateKey plain = newLoadableKeyFile(Templates.eccSigningKey(), new byte[0]);
        plain.write(dir.resolve("plain.pem"));
        assertArrayEquals(PublicKeys.toPublicKey(plain.publicArea()).getEncoded(), opensslPublicKey("plain.pem", ""));
        plain.withDescription("written by tpm4j").write(dir.resolve("described.pem"));
        ProcessResult refused = run(tpm2Env(), "openssl", "pkey", "-provider", "tpm2", "-provider", "default", "-in",
                "described.pem", "-pubout", "-out", "described.pub");
        assertNotEquals(0, refused.exitCode(), refused.output());
    }
}
