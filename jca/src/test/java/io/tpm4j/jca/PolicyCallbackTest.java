package io.tpm4j.jca;

import io.tpm4j.api.commands.PcrReset;
import io.tpm4j.api.commands.PolicyAuthValue;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SignatureException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A key generated with a policy ({@link TpmKeyGenParameterSpec.Builder#policy}): PCR 16 as it is and the key's
 * password (PolicyPCR, PolicyAuthValue). The callback runs the policy commands on the provider's policy session, once
 * for each use of the key; when the PCR has changed, signing fails naming what the TPM refused.
 */
class PolicyCallbackTest extends WithProvider {

    private static final byte[] MESSAGE = "signed under a policy".getBytes(StandardCharsets.UTF_8);
    private static final int PCR = 16;   // the debug PCR, resettable at locality 0
    private static final List<PcrSelection> PCR_16 = List.of(PcrSelection.of(TpmAlg.SHA256, PCR));

    @AfterEach
    void resetPcr() {
        raw.execute(new PcrReset(PCR, Authorization.emptyPassword()));
    }

    /** A callback that runs PolicyPCR with {@code pcrDigest} (empty: the PCR's value now) and PolicyAuthValue, counting its calls. */
    private static TpmPolicy pcrAndPassword(byte[] pcrDigest, AtomicInteger calls) {
        return (tpm, session) -> {
            calls.incrementAndGet();
            tpm.execute(new PolicyPcr(session.handle(), pcrDigest, PCR_16));
            tpm.execute(new PolicyAuthValue(session.handle()));
            return Authorization.PolicyProof.AUTH_VALUE;
        };
    }

    private byte[] sign(PrivateKey key) throws Exception {
        return signEcdsa(key, MESSAGE);
    }

    private static boolean verifies(PublicKey publicKey, byte[] signature) throws Exception {
        return jdkVerifiesEcdsa(publicKey, MESSAGE, signature);
    }

    @Test
    void aKeyWithAPcrAndPasswordPolicySignsThroughItsCallbackOncePerUseUntilThePcrChanges() throws Exception {
        byte[] pcrDigest = MessageDigest.getInstance("SHA-256").digest(raw.pcrValues(TpmAlg.SHA256, PCR).get(PCR));
        byte[] policy = PolicyDigest.start(TpmAlg.SHA256).pcrDigest(PCR_16, pcrDigest).authValue().digest();
        char[] password = "pcr and password".toCharArray();
        AtomicInteger calls = new AtomicInteger();
        KeyPair pair = generate("EC", TpmKeyGenParameterSpec.ec("P-256").password(password)
                .policy(policy, pcrAndPassword(pcrDigest, calls)).build());
        assertEquals(0, calls.get(), "making the key uses no policy");

        for (int i = 1; i <= 3; i++) {
            assertTrue(verifies(pair.getPublic(), sign(pair.getPrivate())), "signature " + i);
            assertEquals(i, calls.get(), "the callback runs once per signature");
        }

        // The same key with the wrong password: the policy is met, the HMAC is not.
        TpmKey key = (TpmKey) pair.getPrivate();
        PrivateKey wrongPassword = (PrivateKey) provider.loadableKey(key.publicArea(), key.privateBlob().orElseThrow(),
                key.parent().orElseThrow(), "not it".toCharArray(), pcrAndPassword(pcrDigest, new AtomicInteger()));
        SignatureException refused = assertThrows(SignatureException.class, () -> sign(wrongPassword));
        assertTrue(refused.getMessage().contains("TPM_RC_AUTH_FAIL"), refused.getMessage());

        raw.pcrExtend(PCR, new TaggedDigest(TpmAlg.SHA256, new byte[32]));
        SignatureException changed = assertThrows(SignatureException.class, () -> sign(pair.getPrivate()));
        assertTrue(changed.getMessage().contains("PolicyPCR") && changed.getMessage().contains("TPM_RC_VALUE"),
                changed.getMessage());
        assertEquals(4, calls.get());

        // A callback that takes the PCR as it is now meets PolicyPCR, but not the key's policy digest.
        PrivateKey currentPcr = (PrivateKey) provider.loadableKey(key.publicArea(), key.privateBlob().orElseThrow(),
                key.parent().orElseThrow(), password, pcrAndPassword(new byte[0], new AtomicInteger()));
        SignatureException wrongDigest = assertThrows(SignatureException.class, () -> sign(currentPcr));
        assertTrue(wrongDigest.getMessage().contains("TPM2_Sign") && wrongDigest.getMessage().contains("TPM_RC_POLICY_FAIL"),
                wrongDigest.getMessage());
    }
}
