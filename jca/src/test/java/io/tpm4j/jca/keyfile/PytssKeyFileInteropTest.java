package io.tpm4j.jca.keyfile;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key files cross between tpm4j and tpm2-pytss's {@code TSSPrivKey} (Debian python3-tpm2-pytss), both on one swtpm
 * through tpm4j's server: pytss's keys load and sign in tpm4j, and tpm4j's file loads and signs in pytss.
 */
class PytssKeyFileInteropTest extends WithTpmServer {

    private static final String PYTHON = "/usr/bin/python3";
    private static final byte[] MESSAGE = "a TSSPrivKey crossing stacks".getBytes(StandardCharsets.UTF_8);
    private Path script;

    @BeforeEach
    void copyScript() throws Exception {
        script = dir.resolve("tsskey_client.py");
        try (InputStream in = getClass().getResourceAsStream("/tsskey_client.py")) {
            Files.write(script, in.readAllBytes());
        }
    }

    private void pytss(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), tcti));
        command.addAll(List.of(args));
        succeed(Map.of(), command.toArray(String[]::new));
    }

    private void pytssKeySignsInTpm4j(String kind, String password) throws Exception {
        String file = "py-" + kind + ".pem";
        if (password.isEmpty()) {
            pytss("create", kind, file);
        } else {
            pytss("create", kind, file, password);
        }
        TssPrivateKey key = TssPrivateKey.read(dir.resolve(file));
        assertEquals(TssPrivateKey.Type.LOADABLE, key.type());
        assertEquals(TpmRh.OWNER, key.parent());
        assertEquals(password.isEmpty(), key.emptyAuth());
        assertEquals(key, TssPrivateKey.fromDer(key.toDer()));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
        Scheme scheme = key.publicArea().parameters() instanceof PublicParameters.Ecc
                ? Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256) : Scheme.of(TpmAlg.RSASSA, TpmAlg.SHA256);
        try (TpmObject loaded = TssKeyLoader.load(tpm, key)) {
            Signature signature = tpm.execute(new Sign(loaded.handle(),
                    Authorization.password(password.getBytes(StandardCharsets.UTF_8)), digest, scheme,
                    Sign.nullTicket())).signature();
            assertTrue(Signatures.verify(PublicKeys.toPublicKey(key.publicArea()), signature, MESSAGE));
        }
    }

    @Test
    void anEccKeyPytssMadeLoadsAndSignsInTpm4j() throws Exception {
        pytssKeySignsInTpm4j("ecc", "");
    }

    @Test
    void anRsaKeyPytssMadeLoadsAndSignsInTpm4j() throws Exception {
        pytssKeySignsInTpm4j("rsa", "");
    }

    @Test
    void aPasswordKeyPytssMadeSignsInTpm4jWithItsPassword() throws Exception {
        pytssKeySignsInTpm4j("ecc", "pytss password");
    }

    @Test
    void aKeyFileTpm4jWroteLoadsAndSignsInPytss() throws Exception {
        TssPrivateKey file = newLoadableKeyFile(Templates.eccSigningKey(),
                "tpm4j password".getBytes(StandardCharsets.UTF_8));
        assertFalse(file.emptyAuth());
        file.write(dir.resolve("tpm4j.pem"));
        Files.write(dir.resolve("digest.bin"), MessageDigest.getInstance("SHA-256").digest(MESSAGE));
        pytss("sign", "tpm4j.pem", "digest.bin", "pytss.sig", "tpm4j password");
        Signature signature = Signature.read(new TpmReader(Files.readAllBytes(dir.resolve("pytss.sig"))));
        assertTrue(Signatures.verify(PublicKeys.toPublicKey(file.publicArea()), signature, MESSAGE),
                "the JDK verifies what pytss signed with the key file tpm4j wrote");
        assertFalse(Signatures.verify(PublicKeys.toPublicKey(file.publicArea()), signature,
                "something else".getBytes(StandardCharsets.UTF_8)));
    }
}
