package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.commands.Unseal;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.AlgorithmProperty;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.testhw.Needs;
import io.tpm4j.testhw.Permission;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys under the owner's SRK, signatures Java verifies, and a salted session that encrypts what it carries. */
@ExtendWith(LeakCheck.class)
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

    @Test
    @DisplayName("sealed data through sessions of every kind: salted to ECC and RSA, AES-128, AES-256 and XOR, each session hash")
    void everySessionKind() {
        byte[] secret = "through every session kind".getBytes(StandardCharsets.UTF_8);
        byte[] password = "object password".getBytes(StandardCharsets.UTF_8);
        List<Integer> algorithms = tpm.algorithms().stream().map(AlgorithmProperty::alg).toList();
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject rsa = algorithms.contains(TpmAlg.RSA.value())
                     ? tpm.load(srk, tpm.create(srk, Templates.srkRsa2048())) : null;
             TpmObject sealed = tpm.load(srk, tpm.create(srk, Templates.sealedData(), new SensitiveCreate(password, secret)))) {
            List<Session> kinds = new ArrayList<>(List.of(
                    Session.hmac(TpmAlg.SHA256).salted(srk.handle(), srk.publicArea()).encrypted(),
                    Session.hmac(TpmAlg.SHA256).salted(srk.handle(), srk.publicArea()).symmetric(SymmetricDefinition.AES_256_CFB)
                            .encrypted(),
                    Session.hmac(TpmAlg.SHA256).encrypted()));
            if (rsa != null) {
                kinds.add(Session.hmac(TpmAlg.SHA256).salted(rsa.handle(), rsa.publicArea())
                        .symmetric(SymmetricDefinition.xor(TpmAlg.SHA256)).encrypted());
            }
            for (TpmAlg hash : List.of(TpmAlg.SHA1, TpmAlg.SHA384, TpmAlg.SHA512)) {
                if (algorithms.contains(hash.value())) {
                    kinds.add(Session.hmac(hash).salted(srk.handle(), srk.publicArea()).encrypted());
                }
            }
            for (Session kind : kinds) {
                try (AuthSession session = tpm.startSession(kind)) {
                    byte[] out = tpm.execute(new Unseal(sealed.handle(), Authorization.session(session, password))).outData();
                    assertArrayEquals(secret, out, kind.toString());
                }
            }
        }
    }
}
