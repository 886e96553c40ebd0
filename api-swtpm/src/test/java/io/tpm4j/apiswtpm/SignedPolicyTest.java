package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.PcrReset;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.policy.Approval;
import io.tpm4j.api.policy.ApprovalRefusedException;
import io.tpm4j.api.policy.PolicyAuthority;
import io.tpm4j.api.policy.PolicyIndex;
import io.tpm4j.api.policy.SignedPolicies;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secrets sealed to "any PCR state this key signs" (PolicyAuthorize) and to the policy an NV index holds
 * (PolicyAuthorizeNV): a PCR change locks them until a new approval; approvals by another key, for another
 * policyRef, forged, or revoked through the NV index are refused, saying why.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SignedPolicyTest extends WithSrk {

    private static final byte[] SECRET = "disk key sealed to signed policies".getBytes();
    private static final byte[] POLICY_REF = "disk unlock".getBytes();
    private static final int PCR = 16;
    private static final int INDEX = 0x01500040;

    private final SignedPolicies signed = SignedPolicies.on(tpm);

    @AfterEach
    void resetPcrAndCheckNothingLeft() {
        tpm.execute(new PcrReset(PCR, Authorization.emptyPassword()));
        assertEquals(List.of(), CallerSessions.loaded(tpm), "sessions left loaded");
        assertEquals(List.of(), tpm.handles(TpmHt.NV_INDEX).stream().filter(h -> h == INDEX).toList(), "NV index left");
    }

    private static PolicyAuthority newAuthority(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return PolicyAuthority.of(generator.generateKeyPair());
    }

    private static PolicyAuthority newRsaAuthority() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        return PolicyAuthority.of(keys);
    }

    /** PolicyPCR over PCR 16's present value: what the authority approves. */
    private static PolicyDigest currentPcrPolicy() {
        return PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256, tpm.pcrValues(TpmAlg.SHA256, PCR));
    }

    private static final Consumer<AuthSession> PCR_STEPS = session -> tpm.execute(new PolicyPcr(session.handle(),
            new byte[0], List.of(PcrSelection.of(TpmAlg.SHA256, PCR))));

    private static void extendPcr(String event) throws Exception {
        tpm.pcrExtend(PCR, new TaggedDigest(TpmAlg.SHA256, MessageDigest.getInstance("SHA-256").digest(event.getBytes())));
    }

    @Test
    void aPcrChangeNeedsOnlyANewSignatureNotANewSeal() throws Exception {
        for (PolicyAuthority authority : List.of(newAuthority("secp256r1"), newAuthority("secp384r1"), newRsaAuthority())) {
            Create.Response sealed = tpm.seal(srk, SECRET, authority.authorizedPolicy(TpmAlg.SHA256, POLICY_REF));
            assertArrayEquals(authority.authorizedPolicy(TpmAlg.SHA256, POLICY_REF).digest(),
                    sealed.outPublic().authPolicy());
            Approval before = authority.approve(currentPcrPolicy(), POLICY_REF);
            assertTrue(before.signatureVerifies());
            assertArrayEquals(SECRET, signed.unseal(srk, sealed, before, PCR_STEPS));

            extendPcr("kernel 6.12 installed");
            ApprovalRefusedException locked = assertThrows(ApprovalRefusedException.class,
                    () -> signed.unseal(srk, sealed, before, PCR_STEPS));
            assertEquals(ApprovalRefusedException.Reason.STATE_NOT_APPROVED, locked.reason());
            TpmResponseException tpmSaid = locked.tpmResponse().orElseThrow();
            assertEquals(TpmCc.POLICY_AUTHORIZE.value(), tpmSaid.commandCode());
            assertTrue(tpmSaid.is(TpmRc.VALUE), tpmSaid.getMessage());
            assertTrue(locked.getMessage().contains("TPM2_PolicyAuthorize") && locked.getMessage().contains("TPM_RC_VALUE"),
                    locked.getMessage());

            Approval after = authority.approve(currentPcrPolicy(), POLICY_REF);
            assertArrayEquals(SECRET, signed.unseal(srk, sealed, after, PCR_STEPS), "the same sealed object, newly approved");
            tpm.execute(new PcrReset(PCR, Authorization.emptyPassword()));
        }
    }

    @Test
    void anApprovalByAnotherKeyOrForAnotherPolicyRefIsRefused() throws Exception {
        PolicyAuthority authority = newAuthority("secp256r1");
        PolicyAuthority other = newAuthority("secp256r1");
        Create.Response sealed = tpm.seal(srk, SECRET, authority.authorizedPolicy(TpmAlg.SHA256, POLICY_REF));
        PolicyDigest policy = currentPcrPolicy();

        for (Approval wrong : List.of(other.approve(policy, POLICY_REF), authority.approve(policy, "other use".getBytes()))) {
            ApprovalRefusedException refused = assertThrows(ApprovalRefusedException.class,
                    () -> signed.unseal(srk, sealed, wrong, PCR_STEPS));
            assertEquals(ApprovalRefusedException.Reason.NOT_FOR_THIS_OBJECT, refused.reason());
            assertTrue(refused.getMessage().contains("another key or for another policyRef"), refused.getMessage());
            // Past tpm4j's own check, the TPM refuses the unseal too: the session names another key or policyRef.
            TpmResponseException tpmRefused = assertThrows(TpmResponseException.class,
                    () -> tpm.unseal(srk, sealed, signed.authorize(wrong, PCR_STEPS)));
            assertEquals(TpmCc.UNSEAL.value(), tpmRefused.commandCode());
            assertTrue(tpmRefused.is(TpmRc.POLICY_FAIL), tpmRefused.getMessage());
        }
        assertArrayEquals(SECRET, signed.unseal(srk, sealed, authority.approve(policy, POLICY_REF), PCR_STEPS));
    }

    @Test
    void aForgedOrAlteredApprovalIsRefusedByTheTpm() throws Exception {
        PolicyAuthority authority = newAuthority("secp256r1");
        PolicyAuthority forger = newAuthority("secp256r1");
        Create.Response sealed = tpm.seal(srk, SECRET, authority.authorizedPolicy(TpmAlg.SHA256, POLICY_REF));
        Approval genuine = authority.approve(currentPcrPolicy(), POLICY_REF);
        // The authority's public area with the forger's signature; a genuine signature over another policy.
        Approval forged = new Approval(genuine.approvedPolicy(), POLICY_REF, authority.publicArea(),
                forger.approve(genuine.approvedPolicy(), POLICY_REF).signature());
        Approval altered = new Approval(PolicyDigest.start(TpmAlg.SHA256).authValue(), POLICY_REF,
                authority.publicArea(), genuine.signature());
        for (Approval bad : List.of(forged, altered)) {
            assertFalse(bad.signatureVerifies());
            ApprovalRefusedException refused = assertThrows(ApprovalRefusedException.class,
                    () -> signed.unseal(srk, sealed, bad, PCR_STEPS));
            assertEquals(ApprovalRefusedException.Reason.BAD_SIGNATURE, refused.reason());
            assertEquals(TpmCc.VERIFY_SIGNATURE.value(), refused.tpmResponse().orElseThrow().commandCode());
            assertTrue(refused.tpmResponse().orElseThrow().is(TpmRc.SIGNATURE));
        }
    }

    @Test
    void aKeyInTheTpmApprovesAndTheApprovalTravelsAsBytes() throws Exception {
        for (PublicArea template : List.of(Templates.eccSigningKey(), Templates.rsaSigningKey())) {
            Create.Response sealed;
            byte[] approvalBytes;
            try (TpmObject key = tpm.load(srk, tpm.create(srk, template))) {
                PolicyAuthority authority = PolicyAuthority.inTpm(tpm, key);
                assertArrayEquals(key.name(), authority.name(), "the authority's Name is the TPM's");
                sealed = tpm.seal(srk, SECRET, authority.authorizedPolicy(TpmAlg.SHA256, POLICY_REF));
                approvalBytes = authority.approve(currentPcrPolicy(), POLICY_REF).toBytes();
            }
            // The machine that unseals has only the approval's bytes: the key itself is gone.
            Approval approval = Approval.parse(approvalBytes);
            assertTrue(approval.signatureVerifies());
            assertArrayEquals(SECRET, signed.unseal(srk, sealed, approval, PCR_STEPS), template.type().toString());
        }
    }

    @Test
    void nvHeldPolicyUnsealsAndRewritingTheIndexRevokesIt() throws Exception {
        PolicyDigest now = currentPcrPolicy();
        PolicyIndex index = PolicyIndex.define(tpm, INDEX, now);
        try {
            assertEquals(now, index.policy());
            Create.Response sealed = tpm.seal(srk, SECRET, index.authorizedPolicy());
            assertArrayEquals(SECRET, tpm.unseal(srk, sealed, index.authorize(PCR_STEPS)));

            // The value PCR 16 will have after the update: rewriting the index revokes today's state at once.
            byte[] update = MessageDigest.getInstance("SHA-256").digest("kernel 6.12 installed".getBytes());
            MessageDigest next = MessageDigest.getInstance("SHA-256");
            next.update(tpm.pcrValues(TpmAlg.SHA256, PCR).get(PCR));
            index.write(PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256, Map.of(PCR, next.digest(update))));
            ApprovalRefusedException revoked = assertThrows(ApprovalRefusedException.class,
                    () -> tpm.unseal(srk, sealed, index.authorize(PCR_STEPS)));
            assertEquals(ApprovalRefusedException.Reason.STATE_NOT_APPROVED, revoked.reason());
            assertEquals(TpmCc.POLICY_AUTHORIZE_NV.value(), revoked.tpmResponse().orElseThrow().commandCode());
            assertTrue(revoked.getMessage().contains("TPM2_PolicyAuthorizeNV"), revoked.getMessage());

            extendPcr("kernel 6.12 installed");
            assertArrayEquals(SECRET, tpm.unseal(srk, sealed, index.authorize(PCR_STEPS)), "the new state, same object");
            assertArrayEquals(index.authorizedPolicy().digest(), sealed.outPublic().authPolicy(),
                    "rewriting the index leaves its Name, and so the sealed policy, as it was");
        } finally {
            index.undefine();
        }
    }

    @Test
    void anIndexHoldingTheAuthorityAndPolicyRefRevokesEveryApprovalForTheOldPolicyRef() throws Exception {
        PolicyAuthority authority = newAuthority("secp256r1");
        byte[] epoch1 = "epoch 1".getBytes();
        byte[] epoch2 = "epoch 2".getBytes();
        PolicyIndex index = PolicyIndex.define(tpm, INDEX, authority.authorizedPolicy(TpmAlg.SHA256, epoch1));
        try {
            Create.Response sealed = tpm.seal(srk, SECRET, index.authorizedPolicy());
            Approval old = authority.approve(currentPcrPolicy(), epoch1);
            assertArrayEquals(SECRET, tpm.unseal(srk, sealed, index.authorize(signed.authorize(old, PCR_STEPS))));

            index.write(authority.authorizedPolicy(TpmAlg.SHA256, epoch2));
            ApprovalRefusedException revoked = assertThrows(ApprovalRefusedException.class,
                    () -> tpm.unseal(srk, sealed, index.authorize(signed.authorize(old, PCR_STEPS))));
            assertEquals(ApprovalRefusedException.Reason.STATE_NOT_APPROVED, revoked.reason());
            Approval renewed = authority.approve(currentPcrPolicy(), epoch2);
            assertArrayEquals(SECRET, tpm.unseal(srk, sealed, index.authorize(signed.authorize(renewed, PCR_STEPS))));
        } finally {
            index.undefine();
        }
    }
}
