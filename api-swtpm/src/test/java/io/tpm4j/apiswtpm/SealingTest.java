package io.tpm4j.apiswtpm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.PolicyAuthValue;
import io.tpm4j.api.commands.PolicyPassword;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
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
 * Sealing with the facade: to current and to predicted PCR values, with a password through PolicyAuthValue
 * or PolicyPassword; the secret and the password never cross the wire in clear.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SealingTest extends WithFreshTpm {

    private static final byte[] SECRET = "disk key: 0123456789abcdef".getBytes();
    private static final byte[] PASSWORD = "unseal password".getBytes();
    private static final int PCR = 16;
    private static final PcrSelection SELECTION = PcrSelection.of(TpmAlg.SHA256, PCR);

    private WireRecorder wire;
    /** The facade over the recorder: closed after each test, which flushes its secret channel. */
    private Tpm recordedTpm;

    /** The facade on a transport that keeps every byte, to look for the secrets in. */
    private Tpm recorded() {
        wire = new WireRecorder(tpm.transport());
        recordedTpm = Tpm.on(wire);
        return recordedTpm;
    }

    @AfterEach
    void nothingInClear() {
        if (recordedTpm != null) {
            recordedTpm.close(); // the recorder's close leaves the TPM's transport open
        }
        if (wire != null) {
            assertFalse(wire.saw(SECRET), "the secret in clear");
            assertFalse(wire.saw(PASSWORD), "the password in clear");
        }
        assertEquals(List.of(), CallerSessions.loaded(tpm));
    }

    private static Consumer<AuthSession> pcrPolicy(Tpm tpm) {
        return session -> tpm.execute(new PolicyPcr(session.handle(), new byte[0], List.of(SELECTION)));
    }

    private void extendPcr(byte[] digest) {
        tpm.pcrExtend(PCR, new TaggedDigest(TpmAlg.SHA256, digest));
    }

    @Test
    void sealedToCurrentPcrValuesUnsealsUntilThePcrChanges() throws Exception {
        Tpm t = recorded();
        try (var srk = t.createPrimary(io.tpm4j.api.types.TpmRh.OWNER, io.tpm4j.api.types.Templates.srkEccP256())) {
            PolicyDigest policy = PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256, t.pcrValues(TpmAlg.SHA256, PCR));
            Create.Response sealed = t.seal(srk, SECRET, policy);
            assertArrayEquals(policy.digest(), sealed.outPublic().authPolicy());
            assertArrayEquals(SECRET, t.unseal(srk, sealed, pcrPolicy(t)));

            extendPcr(new byte[32]);
            TpmResponseException refused = assertThrows(TpmResponseException.class,
                    () -> t.unseal(srk, sealed, pcrPolicy(t)));
            assertTrue(refused.is(TpmRc.POLICY_FAIL), refused.getMessage());
        }
    }

    @Test
    void sealedToPredictedPcrValuesUnsealsOnlyOnceTheyAreReached() throws Exception {
        Tpm t = recorded();
        byte[] update = MessageDigest.getInstance("SHA-256").digest("next boot loader".getBytes());
        MessageDigest extend = MessageDigest.getInstance("SHA-256");
        extend.update(t.pcrValues(TpmAlg.SHA256, PCR).get(PCR));
        byte[] predicted = extend.digest(update);
        try (var srk = t.createPrimary(io.tpm4j.api.types.TpmRh.OWNER, io.tpm4j.api.types.Templates.srkEccP256())) {
            Create.Response sealed = t.seal(srk, SECRET, PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256,
                    Map.of(PCR, predicted)));
            TpmResponseException early = assertThrows(TpmResponseException.class,
                    () -> t.unseal(srk, sealed, pcrPolicy(t)));
            assertTrue(early.is(TpmRc.POLICY_FAIL), early.getMessage());
            extendPcr(update);
            assertArrayEquals(SECRET, t.unseal(srk, sealed, pcrPolicy(t)));
        }
    }

    @Test
    void pcrPolicyWithAPasswordInTheHmac() {
        Tpm t = recorded();
        try (var srk = t.createPrimary(io.tpm4j.api.types.TpmRh.OWNER, io.tpm4j.api.types.Templates.srkEccP256())) {
            PolicyDigest policy = PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256, t.pcrValues(TpmAlg.SHA256, PCR))
                    .authValue();
            Create.Response sealed = t.seal(srk, SECRET, policy, PASSWORD);
            Consumer<AuthSession> steps = s -> {
                pcrPolicy(t).accept(s);
                t.execute(new PolicyAuthValue(s.handle()));
            };
            assertArrayEquals(SECRET, t.unseal(srk, sealed, steps, Authorization.PolicyProof.AUTH_VALUE, PASSWORD));
            TpmResponseException wrong = assertThrows(TpmResponseException.class, () -> t.unseal(srk, sealed, steps,
                    Authorization.PolicyProof.AUTH_VALUE, "wrong".getBytes()));
            assertTrue(wrong.is(TpmRc.BAD_AUTH), wrong.getMessage());
        }
    }

    /**
     * PolicyPassword puts the password in clear in the authorisation area, which no session encrypts: it
     * works, on the TPM's unrecorded path here, and is the reason to prefer PolicyAuthValue.
     */
    @Test
    void policyPasswordUnsealsWithThePasswordInClear() {
        try (var srk = tpm.createPrimary(io.tpm4j.api.types.TpmRh.OWNER, io.tpm4j.api.types.Templates.srkEccP256())) {
            Create.Response sealed = tpm.seal(srk, SECRET, PolicyDigest.start(TpmAlg.SHA256).password(), PASSWORD);
            assertArrayEquals(PolicyDigest.start(TpmAlg.SHA256).authValue().digest(), sealed.outPublic().authPolicy(),
                    "PolicyPassword and PolicyAuthValue leave the same digest");
            assertArrayEquals(SECRET, tpm.unseal(srk, sealed, s -> tpm.execute(new PolicyPassword(s.handle())),
                    Authorization.PolicyProof.PASSWORD, PASSWORD));
            TpmResponseException wrong = assertThrows(TpmResponseException.class, () -> tpm.unseal(srk, sealed,
                    s -> tpm.execute(new PolicyPassword(s.handle())), Authorization.PolicyProof.PASSWORD,
                    "wrong".getBytes()));
            assertTrue(wrong.is(TpmRc.BAD_AUTH) || wrong.is(TpmRc.AUTH_FAIL), wrong.getMessage());
        }
    }
}
