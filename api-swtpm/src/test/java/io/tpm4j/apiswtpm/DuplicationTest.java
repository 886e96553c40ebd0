package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.Duplicate;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.Import;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.commands.PolicyDuplicationSelect;
import io.tpm4j.api.commands.Rewrap;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.commands.StartAuthSession;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A key moves between parents: TPM2_Duplicate (authorised by a policy session) wraps it for parent B,
 * TPM2_Rewrap moves the wrapper to parent C, TPM2_Import makes it loadable there, and it still signs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DuplicationTest extends WithSrk {

    private static final Authorization EMPTY = Authorization.emptyPassword();

    @AfterEach
    void noSessionLeft() {
        assertEquals(List.of(), CallerSessions.loaded(tpm));
    }

    /** The digest of a policy with just TPM2_PolicyCommandCode(code). */
    static byte[] commandCodePolicy(TpmCc code) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(new byte[32]);
        sha256.update(new TpmWriter().u32(TpmCc.POLICY_COMMAND_CODE.value()).u32(code.value()).toByteArray());
        return sha256.digest();
    }

    /** A policy session that has run TPM2_PolicyCommandCode(code); the caller flushes it unless a command used it up. */
    static int policySessionFor(TpmCc code) {
        int session = tpm.execute(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, tpm.getRandom(16), new byte[0],
                StartAuthSession.POLICY, SymmetricDefinition.NULL, TpmAlg.SHA256)).sessionHandle();
        tpm.execute(new PolicyCommandCode(session, code.value()));
        return session;
    }

    private static PublicArea duplicableSigningKey() throws Exception {
        return new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.SENSITIVE_DATA_ORIGIN,
                ObjectAttributes.USER_WITH_AUTH, ObjectAttributes.SIGN_ENCRYPT), commandCodePolicy(TpmCc.DUPLICATE),
                new PublicParameters.Ecc(SymmetricDefinition.NULL, Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256),
                        Templates.ECC_NIST_P256, Scheme.NULL), new PublicId.Ecc(new byte[0], new byte[0]));
    }

    @Test
    void duplicatedKeyIsRewrappedImportedAndSigns() throws Exception {
        // swtpm holds three objects, the SRK among them: each step loads only what it needs.
        Create.Response created = tpm.create(srk, duplicableSigningKey());
        Create.Response createdB = tpm.create(srk, Templates.srkEccP256());
        Create.Response createdC = tpm.create(srk, Templates.srkEccP256());
        Duplicate.Response duplicate;
        Rewrap.Response rewrapped;
        try (TpmObject parentB = tpm.load(srk, createdB)) {
            try (TpmObject key = tpm.load(srk, created)) {
                int session = policySessionFor(TpmCc.DUPLICATE);
                // continueSession clear: the TPM flushes the session when Duplicate succeeds.
                duplicate = tpm.execute(new Duplicate(key.handle(), Authorization.policySession(session, false),
                        parentB.handle(), new byte[0], SymmetricDefinition.AES_128_CFB));
            }
            assertEquals(16, duplicate.encryptionKeyOut().length, "the TPM chose the inner AES-128 key");
            try (TpmObject parentC = tpm.load(srk, createdC)) {
                rewrapped = tpm.execute(new Rewrap(parentB.handle(), EMPTY, parentC.handle(), duplicate.duplicate(),
                        created.outPublic().name(), duplicate.outSymSeed()));
            }
            // Wrapped for C now, the duplicate no longer imports under B.
            TpmResponseException underB = assertThrows(TpmResponseException.class, () -> tpm.execute(new Import(
                    parentB.handle(), EMPTY, duplicate.encryptionKeyOut(), created.outPublic(),
                    rewrapped.outDuplicate(), rewrapped.outSymSeed(), SymmetricDefinition.AES_128_CFB)));
            assertTrue(underB.is(TpmRc.INTEGRITY), underB.getMessage());
        }
        try (TpmObject parentC = tpm.load(srk, createdC)) {
            byte[] imported = tpm.execute(new Import(parentC.handle(), EMPTY, duplicate.encryptionKeyOut(),
                    created.outPublic(), rewrapped.outDuplicate(), rewrapped.outSymSeed(),
                    SymmetricDefinition.AES_128_CFB)).outPrivate();
            try (TpmObject moved = tpm.load(parentC, new Create.Response(imported, created.outPublic(), new byte[0],
                    new byte[0], Sign.nullTicket()))) {
                byte[] message = "moved key".getBytes();
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(message);
                assertTrue(Signatures.verify(PublicKeys.toPublicKey(created.outPublic()), tpm.sign(moved, digest), message));
            }
        }
    }

    @Test
    void duplicationSelectAllowsOnlyTheChosenParent() throws Exception {
        Create.Response createdB = tpm.create(srk, Templates.srkEccP256());
        Create.Response createdC = tpm.create(srk, Templates.srkEccP256());
        byte[] parentB = createdB.outPublic().name();
        // includeObject NO: the policy names only the new parent, so it can sit in the object's own template.
        PolicyDigest policy = PolicyDigest.start(TpmAlg.SHA256).duplicationSelect(new byte[0], parentB, false);
        PublicArea template = duplicableSigningKey();
        template = new PublicArea(template.nameAlg(), template.attributes(), policy.digest(), template.parameters(),
                template.unique());
        Create.Response created = tpm.create(srk, template);
        try (TpmObject key = tpm.load(srk, created)) {
            for (Create.Response parent : List.of(createdB, createdC)) {
                try (TpmObject newParent = tpm.load(srk, parent);
                     AuthSession session = tpm.startSession(Session.policy(TpmAlg.SHA256))) {
                    tpm.execute(new PolicyDuplicationSelect(session.handle(), key.name(), parentB, false));
                    Duplicate command = new Duplicate(key.handle(), Authorization.policy(session), newParent.handle(),
                            new byte[0], SymmetricDefinition.AES_128_CFB);
                    if (parent == createdB) {
                        assertEquals(16, tpm.execute(command).encryptionKeyOut().length);
                    } else {
                        TpmResponseException refused = assertThrows(TpmResponseException.class, () -> tpm.execute(command));
                        assertTrue(refused.is(TpmRc.POLICY_FAIL), refused.getMessage());
                    }
                }
            }
        }
    }

    @Test
    void duplicateWithoutThePolicyIsRefused() throws Exception {
        try (TpmObject key = tpm.load(srk, tpm.create(srk, duplicableSigningKey()))) {
            int session = policySessionFor(TpmCc.UNSEAL);
            try {
                TpmResponseException refused = assertThrows(TpmResponseException.class, () -> tpm.execute(new Duplicate(
                        key.handle(), Authorization.policySession(session, true), TpmRh.NULL, new byte[0],
                        SymmetricDefinition.NULL)));
                assertTrue(refused.is(TpmRc.POLICY_FAIL), refused.getMessage());
            } finally {
                tpm.execute(new FlushContext(session));
            }
        }
    }
}
