package io.tpm4j.apiswtpm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmIntegrityException;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.commands.GetSessionAuditDigest;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.commands.Unseal;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HMAC sessions on real commands: unsalted, salted to RSA and ECC keys, bound; parameter encryption with
 * AES-CFB and XOR in both directions, checked on the wire; response HMACs that refuse a tampered response;
 * an audit session whose digest equals the TPM's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionsTest extends WithSrk {

    private static final Authorization EMPTY = Authorization.emptyPassword();
    private static final byte[] KEY_AUTH = "key password".getBytes();
    private static final byte[] SECRET = "the sealed secret, never in clear on the wire".getBytes();

    @AfterEach
    void noSessionLeft() {
        assertEquals(List.of(), CallerSessions.loaded(tpm));
    }

    private static PublicArea noDa(PublicArea template) {
        return new PublicArea(template.nameAlg(), new ObjectAttributes(template.attributes().raw() | ObjectAttributes.NO_DA),
                template.authPolicy(), template.parameters(), template.unique());
    }

    private static Create.Response signingKeyWithAuth() {
        return tpm.execute(new Create(srk.handle(), EMPTY, new SensitiveCreate(KEY_AUTH, new byte[0]),
                noDa(Templates.eccSigningKey()), new byte[0], List.of()));
    }

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes());
    }

    @Test
    void hmacSessionProvesTheAuthValueWithoutSendingIt() throws Exception {
        WireRecorder wire = new WireRecorder(tpm.transport());
        Tpm recorded = Tpm.on(wire);
        try (TpmObject key = tpm.load(srk, signingKeyWithAuth());
             AuthSession session = recorded.startSession(Session.hmac(TpmAlg.SHA256))) {
            byte[] digest = sha256("hmac session");
            var signature = recorded.execute(new Sign(key.handle(), Authorization.session(session, KEY_AUTH), digest,
                    Scheme.NULL, Sign.nullTicket())).signature();
            assertTrue(Signatures.verify(PublicKeys.toPublicKey(key.publicArea()), signature, "hmac session".getBytes()));
            // Nonces roll: the same session signs again.
            recorded.execute(new Sign(key.handle(), Authorization.session(session, KEY_AUTH), digest, Scheme.NULL,
                    Sign.nullTicket()));
            assertFalse(wire.saw(KEY_AUTH), "the authValue never crosses the wire");

            TpmResponseException wrong = assertThrows(TpmResponseException.class, () -> recorded.execute(new Sign(
                    key.handle(), Authorization.session(session, "wrong".getBytes()), digest, Scheme.NULL,
                    Sign.nullTicket())));
            assertTrue(wrong.is(TpmRc.BAD_AUTH), wrong.getMessage());
        }
    }

    private void sealAndUnsealEncrypted(Session options, TpmObject saltKey) {
        WireRecorder wire = new WireRecorder(tpm.transport());
        Tpm recorded = Tpm.on(wire);
        try (AuthSession session = recorded.startSession(options)) {
            // Create: the sensitive data goes encrypted (decrypt session, authorising the parent).
            Create.Response sealed = recorded.execute(new Create(srk.handle(), Authorization.session(session, new byte[0]),
                    new SensitiveCreate(KEY_AUTH, SECRET), noDa(Templates.sealedData()), new byte[0], List.of()));
            try (TpmObject object = tpm.load(srk, sealed)) {
                // Unseal: the data comes back encrypted (encrypt session, authorising the object).
                byte[] out = recorded.execute(new Unseal(object.handle(), Authorization.session(session, KEY_AUTH)))
                        .outData();
                assertArrayEquals(SECRET, out);
            }
        }
        assertFalse(wire.saw(SECRET), "the sealed data is encrypted both ways");
        assertFalse(wire.saw(KEY_AUTH), "the object's authValue too");
    }

    @Test
    void saltedToTheEccSrkWithAesCfb() {
        sealAndUnsealEncrypted(Session.hmac(TpmAlg.SHA256).salted(srk.handle(), srk.publicArea()).encrypted(), srk);
    }

    @Test
    void saltedToAnRsaKeyWithXor() {
        try (TpmObject rsa = tpm.load(srk, tpm.create(srk, Templates.srkRsa2048()))) {
            sealAndUnsealEncrypted(Session.hmac(TpmAlg.SHA256).salted(rsa.handle(), rsa.publicArea())
                    .symmetric(SymmetricDefinition.xor(TpmAlg.SHA256)).encrypted(), rsa);
        }
    }

    @Test
    void everySessionHashTheTpmHas() {
        for (TpmAlg hash : List.of(TpmAlg.SHA1, TpmAlg.SHA384, TpmAlg.SHA512)) {
            sealAndUnsealEncrypted(Session.hmac(hash).salted(srk.handle(), srk.publicArea()).encrypted(), srk);
        }
    }

    @Test
    void aes256ParameterEncryption() {
        sealAndUnsealEncrypted(Session.hmac(TpmAlg.SHA256).salted(srk.handle(), srk.publicArea())
                .symmetric(SymmetricDefinition.AES_256_CFB).encrypted(), srk);
    }

    @Test
    void unsaltedSessionEncryptsWithSha384() {
        sealAndUnsealEncrypted(Session.hmac(TpmAlg.SHA384).encrypted(), null);
    }

    @Test
    void boundSessionAuthorisesItsEntityWithTheBindAuthValue() throws Exception {
        try (TpmObject key = tpm.load(srk, signingKeyWithAuth());
             AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256).bound(key.handle(), KEY_AUTH))) {
            byte[] digest = sha256("bound");
            // Bound to the key: its authValue is in the session key already, so none is given here.
            tpm.execute(new Sign(key.handle(), Authorization.session(session, new byte[0]), digest, Scheme.NULL,
                    Sign.nullTicket()));
            // For another entity the bound session needs that entity's authValue (the SRK's is empty).
            tpm.execute(new Create(srk.handle(), Authorization.session(session, new byte[0]), SensitiveCreate.EMPTY,
                    Templates.eccSigningKey(), new byte[0], List.of()));
        }
    }

    @Test
    void tamperedResponsesAreRefused() {
        // GetRandom(16) with one session: header (10), parameterSize (4), TPM2B of 16 random bytes (from
        // offset 14), then nonceTPM, attributes and the HMAC, which ends the response.
        for (String where : new String[] {"parameters", "hmac"}) {
            TpmTransport tampering = command -> {
                byte[] response = tpm.transport().transmit(command);
                response["parameters".equals(where) ? 20 : response.length - 1] ^= 0x01;
                return response;
            };
            Tpm tampered = Tpm.on(tampering);
            try (AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256).encrypted())) {
                TpmIntegrityException e = assertThrows(TpmIntegrityException.class, () -> tampered.execute(
                        new GetRandom(16), session));
                assertTrue(e.getMessage().contains("TPM2_GetRandom") && e.getMessage().contains("HMAC"), e.getMessage());
            }
        }
    }

    @Test
    void auditDigestComputedHereEqualsTheTpms() throws Exception {
        try (AuthSession audit = tpm.startSession(Session.hmac(TpmAlg.SHA256).audited());
             TpmObject ak = tpm.load(srk, tpm.create(srk, Templates.eccAttestationKey()))) {
            byte[] first = tpm.execute(new GetRandom(8), audit).randomBytes();
            tpm.execute(new GetRandom(8), audit);
            assertEquals(8, first.length);
            SignedAttest r = tpm.execute(new GetSessionAuditDigest(TpmRh.ENDORSEMENT, EMPTY, ak.handle(), EMPTY,
                    audit.handle(), new byte[0], Scheme.NULL));
            assertArrayEquals(audit.auditDigest(), ((Attest.SessionAudit) r.attest().attested()).sessionDigest());
        }
    }

    @Test
    void extraSessionEncryptsAResponseWithoutAuthorisingAnything() {
        WireRecorder wire = new WireRecorder(tpm.transport());
        Tpm recorded = Tpm.on(wire);
        try (AuthSession session = recorded.startSession(Session.hmac(TpmAlg.SHA256)
                .salted(srk.handle(), srk.publicArea()).encryptingResponses())) {
            byte[] random = recorded.execute(new GetRandom(32), session).randomBytes();
            assertEquals(32, random.length);
            assertFalse(wire.saw(random), "the random bytes crossed the wire encrypted");
        }
    }
}
