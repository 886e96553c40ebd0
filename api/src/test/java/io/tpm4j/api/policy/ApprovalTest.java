package io.tpm4j.api.policy;

import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Approvals made offline: what is signed, the policy to seal to, and the serialized form read as hostile input. */
class ApprovalTest {

    private static final byte[] POLICY_REF = "disk unlock".getBytes();
    private static final PolicyDigest POLICY = PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256, Map.of(16, new byte[32]));

    private static PolicyAuthority ecAuthority() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return PolicyAuthority.of(generator.generateKeyPair());
    }

    private static PolicyAuthority rsaAuthority() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return PolicyAuthority.of(generator.generateKeyPair());
    }

    private static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    @Test
    void theAuthoritySignsTheHashOfPolicyAndPolicyRefAndObjectsSealToItsNameAndPolicyRef() throws Exception {
        PolicyAuthority authority = ecAuthority();
        Approval approval = authority.approve(POLICY, POLICY_REF);
        assertArrayEquals(sha256(POLICY.digest(), POLICY_REF), approval.aHash());
        assertTrue(approval.signatureVerifies());
        // Part 3 PolicyAuthorize: H(H(zeros || TPM_CC_PolicyAuthorize || keyName) || policyRef), from zeros.
        byte[] first = sha256(new byte[32], new TpmWriter().u32(TpmCc.POLICY_AUTHORIZE.value()).toByteArray(),
                authority.name());
        assertArrayEquals(sha256(first, POLICY_REF), approval.authorizedPolicy().digest());
        assertEquals(authority.authorizedPolicy(TpmAlg.SHA256, POLICY_REF), approval.authorizedPolicy());
        assertArrayEquals(authority.publicArea().name(), approval.authorityName());
    }

    @Test
    void theSerializedFormIsTheDocumentedLayoutAndReadsBack() throws Exception {
        for (PolicyAuthority authority : List.of(ecAuthority(), rsaAuthority())) {
            Approval approval = authority.approve(POLICY, POLICY_REF);
            byte[] bytes = approval.toBytes();
            TpmWriter expected = new TpmWriter().bytes("TPAP".getBytes()).u16(1).u16(TpmAlg.SHA256.value())
                    .bytes(POLICY.digest()).tpm2b(POLICY_REF);
            authority.publicArea().writeSized(expected);
            approval.signature().write(expected);
            assertArrayEquals(expected.toByteArray(), bytes);
            Approval read = Approval.parse(bytes);
            assertEquals(approval, read);
            assertTrue(read.signatureVerifies());
        }
    }

    @Test
    void everyTruncationAndTrailingByteIsRefusedNamingWhatIsWrong() throws Exception {
        byte[] bytes = ecAuthority().approve(POLICY, POLICY_REF).toBytes();
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Approval.parse(cut),
                    "truncated to " + length);
            assertTrue(e.getMessage().contains("approval") || e.getMessage().contains("TPM2B_PUBLIC"), e.getMessage());
        }
        IllegalArgumentException trailing = assertThrows(IllegalArgumentException.class,
                () -> Approval.parse(Arrays.copyOf(bytes, bytes.length + 1)));
        assertTrue(trailing.getMessage().contains("trailing"), trailing.getMessage());
    }

    @Test
    void aWrongMagicVersionOrOversizedFieldIsRefused() throws Exception {
        byte[] bytes = ecAuthority().approve(POLICY, POLICY_REF).toBytes();
        byte[] magic = bytes.clone();
        magic[0] = 'X';
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Approval.parse(magic)).getMessage()
                .contains("not an approval"));
        byte[] version = bytes.clone();
        version[5] = 2;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Approval.parse(version)).getMessage()
                .contains("version 2"));
        byte[] policyRefSize = bytes.clone();
        int refAt = 4 + 2 + 2 + 32;
        policyRefSize[refAt] = (byte) 0xFF;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Approval.parse(policyRefSize)).getMessage()
                .contains("policyRef.size"));
        byte[] hashAlg = bytes.clone();
        hashAlg[6] = 0x7F;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Approval.parse(hashAlg)).getMessage()
                .contains("TPMT_HA.hashAlg"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Approval.parse(new byte[Approval.MAX_BYTES + 1]))
                .getMessage().contains("at most"));
    }

    @Test
    void onlyAsymmetricSignaturesAndShortPolicyRefsMakeAnApproval() throws Exception {
        PolicyAuthority authority = ecAuthority();
        assertThrows(IllegalArgumentException.class, () -> authority.approve(POLICY, new byte[65]));
        Approval approval = authority.approve(POLICY, POLICY_REF);
        IllegalArgumentException nullSignature = assertThrows(IllegalArgumentException.class, () -> new Approval(POLICY,
                POLICY_REF, authority.publicArea(), new Signature.Null()));
        assertTrue(nullSignature.getMessage().contains("RSA or ECC signature"), nullSignature.getMessage());
        assertFalse(new Approval(POLICY, "another".getBytes(), authority.publicArea(), approval.signature())
                .signatureVerifies(), "a signature for another policyRef");
    }
}
