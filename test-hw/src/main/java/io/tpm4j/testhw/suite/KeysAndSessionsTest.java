package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.testhw.Needs;
import io.tpm4j.testhw.Permission;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys under the owner's SRK, signatures Java verifies, and a salted session that encrypts what it carries. */
@Needs(Permission.OWNER)
public class KeysAndSessionsTest {

    private final Tpm tpm = SuiteContext.current().tpm();

    @Test
    @DisplayName("an ECC P-256 key under the SRK signs; Java verifies the signature")
    void signs() throws Exception {
        int before = tpm.handles(TpmHt.TRANSIENT).size();
        byte[] message = "signed by the TPM under test".getBytes(StandardCharsets.UTF_8);
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()))) {
            Signature signature = tpm.sign(key, MessageDigest.getInstance("SHA-256").digest(message));
            assertTrue(Signatures.verify(PublicKeys.toPublicKey(key.publicArea()), signature, message));
        }
        assertEquals(before, tpm.handles(TpmHt.TRANSIENT).size(), "the test flushed its keys");
    }

    @Test
    @DisplayName("sealed data comes back through a salted, parameter-encrypting session")
    void sealsThroughAnEncryptedSession() {
        byte[] secret = "kept by the TPM under test".getBytes(StandardCharsets.UTF_8);
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            Tpm encrypted = tpm.encryptingTo(srk);
            var sealed = encrypted.seal(srk, secret, PolicyDigest.start(TpmAlg.SHA256).password(), "pw".getBytes());
            assertArrayEquals(secret, encrypted.unseal(srk, sealed, session -> encrypted.execute(
                    new io.tpm4j.api.commands.PolicyPassword(session.handle())), Authorization.PolicyProof.PASSWORD,
                    "pw".getBytes()));
        }
    }
}
