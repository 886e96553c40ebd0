package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.LoadExternal;
import io.tpm4j.api.commands.PolicyAuthorize;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.commands.PolicyCounterTimer;
import io.tpm4j.api.commands.PolicyLocality;
import io.tpm4j.api.commands.PolicyOr;
import io.tpm4j.api.commands.PolicyPhysicalPresence;
import io.tpm4j.api.commands.PolicySecret;
import io.tpm4j.api.commands.PolicySigned;
import io.tpm4j.api.commands.VerifySignature;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policies enforced in real policy sessions: a sealed object whose authPolicy the calculator computed is
 * unsealed when the policy is satisfied, and refused (with the TPM's reason) when it is violated.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PolicyEnforcementTest extends WithSrk {

    private static final byte[] SECRET = "behind a policy".getBytes();
    private static final PolicyDigest START = PolicyDigest.start(TpmAlg.SHA256);

    @AfterEach
    void noSessionLeft() {
        assertEquals(List.of(), CallerSessions.loaded(tpm));
    }

    private static void enforce(PolicyDigest policy, Consumer<AuthSession> satisfy, Consumer<AuthSession> violate,
                                TpmRc... reasons) {
        Create.Response sealed = tpm.seal(srk, SECRET, policy);
        assertArrayEquals(SECRET, tpm.unseal(srk, sealed, satisfy), "satisfied");
        TpmResponseException refused = assertThrows(TpmResponseException.class, () -> tpm.unseal(srk, sealed, violate));
        assertTrue(List.of(reasons).stream().anyMatch(refused::is), refused.getMessage());
    }

    @Test
    void commandCode() {
        enforce(START.commandCode(TpmCc.UNSEAL),
                s -> tpm.execute(new PolicyCommandCode(s.handle(), TpmCc.UNSEAL.value())),
                s -> tpm.execute(new PolicyCommandCode(s.handle(), TpmCc.SIGN.value())), TpmRc.POLICY_CC,
                TpmRc.POLICY_FAIL);
    }

    @Test
    void orOfTwoBranches() {
        PolicyDigest unseal = START.commandCode(TpmCc.UNSEAL);
        PolicyDigest duplicate = START.commandCode(TpmCc.DUPLICATE);
        List<byte[]> branches = List.of(unseal.digest(), duplicate.digest());
        enforce(unseal.or(List.of(unseal, duplicate)),
                s -> {
                    tpm.execute(new PolicyCommandCode(s.handle(), TpmCc.UNSEAL.value()));
                    tpm.execute(new PolicyOr(s.handle(), branches));
                },
                s -> {
                    tpm.execute(new PolicyCommandCode(s.handle(), TpmCc.SIGN.value()));
                    tpm.execute(new PolicyOr(s.handle(), branches)); // the session's digest is in neither branch
                }, TpmRc.VALUE);
    }

    @Test
    void locality() {
        enforce(START.locality(0x01), // TPMA_LOCALITY: locality 0, where this TPM is used
                s -> tpm.execute(new PolicyLocality(s.handle(), 0x01)),
                s -> tpm.execute(new PolicyLocality(s.handle(), 0x08)), TpmRc.LOCALITY, TpmRc.POLICY_FAIL);
    }

    @Test
    void counterTimer() {
        byte[] zero = new byte[8];
        enforce(START.counterTimer(zero, 0, TpmEo.UNSIGNED_GT), // TPMS_TIME_INFO.time > 0
                s -> tpm.execute(new PolicyCounterTimer(s.handle(), zero, 0, TpmEo.UNSIGNED_GT)),
                s -> tpm.execute(new PolicyCounterTimer(s.handle(), zero, 0, TpmEo.UNSIGNED_LT)), TpmRc.POLICY);
    }

    /** swtpm has no way to assert physical presence, so this policy can only be shown to be enforced. */
    @Test
    void physicalPresenceIsRequired() {
        Create.Response sealed = tpm.seal(srk, SECRET, START.physicalPresence());
        TpmResponseException refused = assertThrows(TpmResponseException.class, () -> tpm.unseal(srk, sealed,
                s -> tpm.execute(new PolicyPhysicalPresence(s.handle()))));
        assertTrue(refused.is(TpmRc.PP), refused.getMessage());
    }

    @Test
    void secret() {
        byte[] endorsement = new TpmWriter().u32(TpmRh.ENDORSEMENT).toByteArray();
        enforce(START.secret(endorsement, new byte[0]),
                s -> tpm.execute(new PolicySecret(TpmRh.ENDORSEMENT, Authorization.emptyPassword(), s.handle(),
                        new byte[0], new byte[0], new byte[0], 0)),
                s -> tpm.execute(new PolicySecret(TpmRh.ENDORSEMENT, Authorization.password("wrong".getBytes()),
                        s.handle(), new byte[0], new byte[0], new byte[0], 0)), TpmRc.BAD_AUTH, TpmRc.AUTH_FAIL);
    }

    /** A signer outside the TPM: a JCA key, loaded public-only. */
    private static KeyPair signer() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static Signature sign(KeyPair key, byte[] message) {
        try {
            java.security.Signature jca = java.security.Signature.getInstance("SHA256withECDSA");
            jca.initSign(key.getPrivate());
            jca.update(message);
            return Signatures.fromJcaEcdsa(jca.sign(), TpmAlg.SHA256, 32);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void signed() throws Exception {
        KeyPair signer = signer();
        byte[] policyRef = "door 7".getBytes();
        LoadExternal.Response loaded = tpm.execute(new LoadExternal(PublicKeys.toPublicArea(signer.getPublic(),
                TpmAlg.SHA256), TpmRh.NULL));
        try {
            // aHash = H(nonceTPM || expiration || cpHashA || policyRef), signed by the authority.
            Consumer<AuthSession> approved = s -> tpm.execute(new PolicySigned(loaded.objectHandle(), s.handle(),
                    s.nonceTpm(), new byte[0], policyRef, 0, sign(signer, new TpmWriter().bytes(s.nonceTpm()).u32(0)
                    .bytes(policyRef).toByteArray())));
            Consumer<AuthSession> forged = s -> tpm.execute(new PolicySigned(loaded.objectHandle(), s.handle(),
                    s.nonceTpm(), new byte[0], policyRef, 0, sign(signer, "something else".getBytes())));
            enforce(START.signed(loaded.name(), policyRef), approved, forged, TpmRc.SIGNATURE);
        } finally {
            tpm.execute(new FlushContext(loaded.objectHandle()));
        }
    }

    @Test
    void authorizeWithAnApprovalTicket() throws Exception {
        KeyPair authority = signer();
        byte[] policyRef = new byte[0];
        PolicyDigest approvedPolicy = START.commandCode(TpmCc.UNSEAL);
        LoadExternal.Response loaded = tpm.execute(new LoadExternal(PublicKeys.toPublicArea(authority.getPublic(),
                TpmAlg.SHA256), TpmRh.OWNER));
        try {
            // The authority signs aHash = H(approvedPolicy || policyRef); the TPM's check of it is the ticket.
            byte[] aHash = MessageDigest.getInstance("SHA-256").digest(approvedPolicy.digest());
            Ticket ticket = tpm.execute(new VerifySignature(loaded.objectHandle(), aHash,
                    sign(authority, approvedPolicy.digest()))).validation();
            Consumer<AuthSession> approved = s -> {
                tpm.execute(new PolicyCommandCode(s.handle(), TpmCc.UNSEAL.value()));
                tpm.execute(new PolicyAuthorize(s.handle(), approvedPolicy.digest(), policyRef, loaded.name(), ticket));
            };
            Consumer<AuthSession> other = s -> {
                tpm.execute(new PolicyCommandCode(s.handle(), TpmCc.SIGN.value()));
                tpm.execute(new PolicyAuthorize(s.handle(), approvedPolicy.digest(), policyRef, loaded.name(), ticket));
            };
            enforce(START.authorize(loaded.name(), policyRef), approved, other, TpmRc.VALUE, TpmRc.POLICY_FAIL);
        } finally {
            tpm.execute(new FlushContext(loaded.objectHandle()));
        }
    }
}
