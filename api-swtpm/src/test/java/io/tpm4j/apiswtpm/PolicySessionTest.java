package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.NvChangeAuth;
import io.tpm4j.api.commands.NvDefineSpace;
import io.tpm4j.api.commands.NvUndefineSpace;
import io.tpm4j.api.commands.NvUndefineSpaceSpecial;
import io.tpm4j.api.commands.NvWrite;
import io.tpm4j.api.commands.PolicyAuthorizeNv;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.commands.PolicyGetDigest;
import io.tpm4j.api.commands.PolicyNv;
import io.tpm4j.api.commands.PolicyRestart;
import io.tpm4j.api.commands.PolicySecret;
import io.tpm4j.api.commands.PolicyTicket;
import io.tpm4j.api.commands.StartAuthSession;
import io.tpm4j.api.commands.Unseal;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real policy sessions (not trial ones) authorising NV and object commands: the NV-backed policies (PolicyNV,
 * PolicyAuthorizeNV), PolicyTicket's replay of a PolicySecret, and the NV commands only a policy can authorise
 * (NV_ChangeAuth, NV_UndefineSpaceSpecial).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PolicySessionTest extends WithSrk {

    private static final Authorization EMPTY = Authorization.emptyPassword();
    private static final int INDEX = 0x01500100;

    @AfterEach
    void noSessionOrIndexLeft() {
        assertEquals(List.of(), CallerSessions.loaded(tpm));
        assertEquals(List.of(), tpm.handles(TpmHt.NV_INDEX));
    }

    private static int policySession() {
        return tpm.execute(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, tpm.getRandom(16), new byte[0],
                StartAuthSession.POLICY, SymmetricDefinition.NULL, TpmAlg.SHA256)).sessionHandle();
    }

    private static byte[] digest(int session) {
        return tpm.execute(new PolicyGetDigest(session)).policyDigest();
    }

    private static void flushIfLoaded(int session) {
        if (tpm.loadedSessions().contains(session)) {
            tpm.execute(new FlushContext(session));
        }
    }

    private static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (byte[] part : parts) {
            sha256.update(part);
        }
        return sha256.digest();
    }

    private static byte[] u32(int value) {
        return new TpmWriter().u32(value).toByteArray();
    }

    private static NvPublic ordinaryIndex(int extraAttributes, byte[] authPolicy, int size) {
        return new NvPublic(INDEX, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.AUTHREAD,
                NvAttributes.AUTHWRITE, NvAttributes.NO_DA, extraAttributes), authPolicy, size);
    }

    @Test
    void policyNvHoldsOnlyWhileTheIndexMatches() throws Exception {
        tpm.nvDefine(ordinaryIndex(0, new byte[0], 4), new byte[0]);
        int session = policySession();
        try {
            tpm.nvWrite(INDEX, EMPTY, new byte[] {0, 0, 0, 5});
            byte[] operand = {0, 5};
            tpm.execute(new PolicyNv(INDEX, EMPTY, INDEX, session, operand, 2, TpmEo.EQ));
            // Part 3: policyDigest' = H(policyDigest || TPM_CC_PolicyNV || H(operandB || offset || operation) || nvName)
            byte[] args = sha256(operand, new TpmWriter().u16(2).u16(TpmEo.EQ.value()).toByteArray());
            assertArrayEquals(sha256(new byte[32], u32(TpmCc.POLICY_NV.value()), args, tpm.nvReadPublic(INDEX).nvName()),
                    digest(session));
            tpm.execute(new PolicyNv(INDEX, EMPTY, INDEX, session, new byte[] {4}, 3, TpmEo.UNSIGNED_GT));

            TpmResponseException violated = assertThrows(TpmResponseException.class, () -> tpm.execute(
                    new PolicyNv(INDEX, EMPTY, INDEX, session, new byte[] {6}, 3, TpmEo.EQ)));
            assertTrue(violated.is(TpmRc.POLICY), violated.getMessage());
        } finally {
            flushIfLoaded(session);
            tpm.nvUndefine(INDEX);
        }
    }

    @Test
    void policyAuthorizeNvUnsealsWithThePolicyTheIndexHolds() throws Exception {
        byte[] secret = "sealed under an NV-held policy".getBytes();
        byte[] unsealPolicy = DuplicationTest.commandCodePolicy(TpmCc.UNSEAL);
        tpm.nvDefine(new NvPublic(INDEX, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.OWNERWRITE,
                NvAttributes.AUTHREAD, NvAttributes.NO_DA), new byte[0], 2 + 32), new byte[0]);
        try {
            // TPMT_HA: the approved policy's hash algorithm and digest.
            byte[] approved = new TpmWriter().u16(TpmAlg.SHA256.value()).bytes(unsealPolicy).toByteArray();
            tpm.execute(new NvWrite(TpmRh.OWNER, EMPTY, INDEX, approved, 0));
            byte[] objectPolicy = sha256(new byte[32], u32(TpmCc.POLICY_AUTHORIZE_NV.value()),
                    tpm.nvReadPublic(INDEX).nvName());
            PublicArea sealed = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
                    ObjectAttributes.FIXED_PARENT), objectPolicy, Templates.sealedData().parameters(),
                    Templates.sealedData().unique());
            Create.Response created = tpm.execute(new Create(srk.handle(), EMPTY, new SensitiveCreate(new byte[0], secret),
                    sealed, new byte[0], List.of()));
            try (TpmObject object = tpm.load(srk, created)) {
                int session = policySession();
                try {
                    tpm.execute(new PolicyCommandCode(session, TpmCc.UNSEAL.value()));
                    tpm.execute(new PolicyAuthorizeNv(INDEX, EMPTY, INDEX, session));
                    assertArrayEquals(objectPolicy, digest(session));
                    assertArrayEquals(secret, tpm.execute(new Unseal(object.handle(),
                            Authorization.policySession(session, true))).outData());

                    // A session whose digest is not the approved one is refused.
                    tpm.execute(new PolicyRestart(session));
                    tpm.execute(new PolicyCommandCode(session, TpmCc.DUPLICATE.value()));
                    TpmResponseException refused = assertThrows(TpmResponseException.class,
                            () -> tpm.execute(new PolicyAuthorizeNv(INDEX, EMPTY, INDEX, session)));
                    assertTrue(refused.is(TpmRc.VALUE), refused.getMessage());
                } finally {
                    flushIfLoaded(session);
                }
            }
        } finally {
            tpm.nvUndefine(INDEX);
        }
    }

    @Test
    void policyTicketReplaysAPolicySecretInALaterSession() throws Exception {
        byte[] policyRef = "ticket".getBytes();
        StartAuthSession.Response first = tpm.execute(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, tpm.getRandom(16),
                new byte[0], StartAuthSession.POLICY, SymmetricDefinition.NULL, TpmAlg.SHA256));
        int second = policySession();
        int third = policySession();
        try {
            // A negative expiration with the session's nonceTPM asks for a ticket.
            PolicySecret.Response secret = tpm.execute(new PolicySecret(TpmRh.ENDORSEMENT, EMPTY, first.sessionHandle(),
                    first.nonceTpm(), new byte[0], policyRef, -60));
            assertEquals(8, secret.timeout().length);
            byte[] endorsementName = u32(TpmRh.ENDORSEMENT);
            tpm.execute(new PolicyTicket(second, secret.timeout(), new byte[0], policyRef, endorsementName,
                    secret.policyTicket()));
            assertArrayEquals(digest(first.sessionHandle()), digest(second));
            assertArrayEquals(PolicyDigest.start(TpmAlg.SHA256).secret(endorsementName, policyRef).digest(), digest(second),
                    "a ticket leaves PolicySecret's digest, as the calculator computes it");

            Ticket forged = new Ticket(secret.policyTicket().tag(), secret.policyTicket().hierarchy(), new byte[32]);
            TpmResponseException refused = assertThrows(TpmResponseException.class, () -> tpm.execute(
                    new PolicyTicket(third, secret.timeout(), new byte[0], policyRef, endorsementName, forged)));
            assertTrue(refused.is(TpmRc.TICKET), refused.getMessage());
        } finally {
            flushIfLoaded(first.sessionHandle());
            flushIfLoaded(second);
            flushIfLoaded(third);
        }
    }

    @Test
    void nvChangeAuthNeedsThePolicyAndTakesEffect() throws Exception {
        tpm.nvDefine(ordinaryIndex(0, DuplicationTest.commandCodePolicy(TpmCc.NV_CHANGE_AUTH), 8), "old".getBytes());
        try {
            tpm.nvWrite(INDEX, Authorization.password("old".getBytes()), "contents".getBytes());
            int session = policySession();
            try {
                tpm.execute(new PolicyCommandCode(session, TpmCc.NV_CHANGE_AUTH.value()));
                tpm.execute(new NvChangeAuth(INDEX, Authorization.policySession(session, false), "new".getBytes()));
            } finally {
                flushIfLoaded(session);
            }
            assertArrayEquals("contents".getBytes(), tpm.nvRead(INDEX, Authorization.password("new".getBytes())));
            TpmResponseException old = assertThrows(TpmResponseException.class,
                    () -> tpm.nvRead(INDEX, Authorization.password("old".getBytes())));
            assertTrue(old.is(TpmRc.AUTH_FAIL) || old.is(TpmRc.BAD_AUTH), old.getMessage());
        } finally {
            tpm.nvUndefine(INDEX);
        }
    }

    @Test
    void platformIndexWithPolicyDeleteGoesOnlyThroughUndefineSpaceSpecial() throws Exception {
        NvPublic index = new NvPublic(0x01400100, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY,
                NvAttributes.PPWRITE, NvAttributes.PPREAD, NvAttributes.NO_DA, NvAttributes.PLATFORMCREATE,
                NvAttributes.POLICY_DELETE), DuplicationTest.commandCodePolicy(TpmCc.NV_UNDEFINE_SPACE_SPECIAL), 8);
        tpm.execute(new NvDefineSpace(TpmRh.PLATFORM, EMPTY, new byte[0], index));
        TpmResponseException plain = assertThrows(TpmResponseException.class,
                () -> tpm.execute(new NvUndefineSpace(TpmRh.PLATFORM, EMPTY, index.nvIndex())));
        assertTrue(plain.is(TpmRc.ATTRIBUTES), plain.getMessage());
        int session = policySession();
        try {
            tpm.execute(new PolicyCommandCode(session, TpmCc.NV_UNDEFINE_SPACE_SPECIAL.value()));
            tpm.execute(new NvUndefineSpaceSpecial(index.nvIndex(), Authorization.policySession(session, false), EMPTY));
        } finally {
            flushIfLoaded(session);
        }
        assertEquals(List.of(), tpm.handles(TpmHt.NV_INDEX));
    }
}
