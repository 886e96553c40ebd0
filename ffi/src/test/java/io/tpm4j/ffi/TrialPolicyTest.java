package io.tpm4j.ffi;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.PolicyAuthValue;
import io.tpm4j.api.commands.PolicyAuthorize;
import io.tpm4j.api.commands.PolicyCounterTimer;
import io.tpm4j.api.commands.PolicyDuplicationSelect;
import io.tpm4j.api.commands.PolicySecret;
import io.tpm4j.api.commands.PolicySigned;
import io.tpm4j.api.commands.PolicyTemplate;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.commands.PolicyCpHash;
import io.tpm4j.api.commands.PolicyGetDigest;
import io.tpm4j.api.commands.PolicyLocality;
import io.tpm4j.api.commands.PolicyNameHash;
import io.tpm4j.api.commands.PolicyNvWritten;
import io.tpm4j.api.commands.PolicyOr;
import io.tpm4j.api.commands.PolicyPassword;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.commands.PolicyPhysicalPresence;
import io.tpm4j.api.commands.PolicyRestart;
import io.tpm4j.api.commands.StartAuthSession;
import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each policy command in a trial session: the TPM's policy digest equals the one Part 3 defines, computed here. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrialPolicyTest {

    private static StartedTpm started;
    private static Tpm tpm;
    private int session;

    @BeforeAll
    static void start() {
        started = StartedTpm.start();
        tpm = started.tpm;
    }

    @AfterAll
    static void stop() {
        started.close();
    }

    @BeforeEach
    void trialSession() {
        session = tpm.execute(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, tpm.getRandom(32), new byte[0],
                StartAuthSession.TRIAL, SymmetricDefinition.NULL, TpmAlg.SHA256)).sessionHandle();
    }

    @AfterEach
    void flush() {
        tpm.execute(new FlushContext(session));
        assertEquals(List.of(), tpm.loadedSessions());
    }

    /** policyDigest_new = SHA-256(policyDigest_old || TPM_CC || parameters). */
    private static byte[] extend(byte[] old, TpmCc code, byte[] parameters) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(old);
        sha256.update(new TpmWriter().u32(code.value()).toByteArray());
        sha256.update(parameters);
        return sha256.digest();
    }

    private void check(IntFunction<TpmCommand<?>> command, TpmCc code, byte[] parameters) throws Exception {
        tpm.execute(new PolicyRestart(session));
        tpm.execute(command.apply(session));
        assertArrayEquals(extend(new byte[32], code, parameters), tpm.execute(new PolicyGetDigest(session)).policyDigest(),
                code.specName());
    }

    @Test
    void simplePolicies() throws Exception {
        check(PolicyAuthValue::new, TpmCc.POLICY_AUTH_VALUE, new byte[0]);
        // PolicyPassword leaves the same digest as PolicyAuthValue, so one policy serves both.
        check(PolicyPassword::new, TpmCc.POLICY_AUTH_VALUE, new byte[0]);
        check(PolicyPhysicalPresence::new, TpmCc.POLICY_PHYSICAL_PRESENCE, new byte[0]);
        check(s -> new PolicyCommandCode(s, TpmCc.UNSEAL.value()), TpmCc.POLICY_COMMAND_CODE,
                new TpmWriter().u32(TpmCc.UNSEAL.value()).toByteArray());
        check(s -> new PolicyLocality(s, 0x01), TpmCc.POLICY_LOCALITY, new byte[] {1});
        check(s -> new PolicyNvWritten(s, true), TpmCc.POLICY_NV_WRITTEN, new byte[] {1});
        byte[] hash = MessageDigest.getInstance("SHA-256").digest("a command".getBytes());
        check(s -> new PolicyCpHash(s, hash), TpmCc.POLICY_CP_HASH, hash);
        check(s -> new PolicyNameHash(s, hash), TpmCc.POLICY_NAME_HASH, hash);
    }

    @Test
    void pcrPolicyOverCurrentValues() throws Exception {
        PcrSelection pcrs = PcrSelection.of(TpmAlg.SHA256, 0, 7);
        Map<Integer, byte[]> values = tpm.pcrValues(TpmAlg.SHA256, 0, 7);
        MessageDigest pcrDigest = MessageDigest.getInstance("SHA-256");
        pcrDigest.update(values.get(0));
        pcrDigest.update(values.get(7));
        TpmWriter selection = new TpmWriter();
        PcrSelection.writeList(selection, List.of(pcrs));
        byte[] parameters = new TpmWriter().bytes(selection.toByteArray()).bytes(pcrDigest.digest()).toByteArray();
        check(s -> new PolicyPcr(s, new byte[0], List.of(pcrs)), TpmCc.POLICY_PCR, parameters);
    }

    /** Part 3's PolicyUpdate: H(H(old || code || arg2) || arg3). */
    private static byte[] policyUpdate(TpmCc code, byte[] arg2, byte[] arg3) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(extend(new byte[32], code, arg2));
        sha256.update(arg3);
        return sha256.digest();
    }

    private byte[] digest() {
        return tpm.execute(new PolicyGetDigest(session)).policyDigest();
    }

    @Test
    void policiesThatNameAnAuthorisingEntity() throws Exception {
        byte[] policyRef = "ref".getBytes();
        tpm.execute(new PolicySecret(TpmRh.ENDORSEMENT, io.tpm4j.api.session.Authorization.emptyPassword(), session,
                new byte[0], new byte[0], policyRef, 0));
        byte[] endorsementName = new TpmWriter().u32(TpmRh.ENDORSEMENT).toByteArray();
        assertArrayEquals(policyUpdate(TpmCc.POLICY_SECRET, endorsementName, policyRef), digest(), "PolicySecret");
        // With an empty policyRef this is the EK Credential Profile's Policy A.
        tpm.execute(new PolicyRestart(session));
        tpm.execute(new PolicySecret(TpmRh.ENDORSEMENT, io.tpm4j.api.session.Authorization.emptyPassword(), session,
                new byte[0], new byte[0], new byte[0], 0));
        assertArrayEquals(io.tpm4j.api.types.Templates.ekPolicyA(), digest(), "EK policy A");

        try (io.tpm4j.api.TpmObject srk = tpm.createPrimary(TpmRh.OWNER, io.tpm4j.api.types.Templates.srkEccP256());
             io.tpm4j.api.TpmObject key = tpm.load(srk, tpm.create(srk, io.tpm4j.api.types.Templates.eccSigningKey()))) {
            tpm.execute(new PolicyRestart(session));
            io.tpm4j.api.types.Signature placeholder = new io.tpm4j.api.types.Signature.Ecc(TpmAlg.ECDSA.value(),
                    TpmAlg.SHA256.value(), new byte[32], new byte[32]);
            tpm.execute(new PolicySigned(key.handle(), session, new byte[0], new byte[0], policyRef, 0, placeholder));
            assertArrayEquals(policyUpdate(TpmCc.POLICY_SIGNED, key.name(), policyRef), digest(), "PolicySigned");

            tpm.execute(new PolicyRestart(session));
            tpm.execute(new PolicyAuthorize(session, new byte[32], policyRef, key.name(),
                    new io.tpm4j.api.types.Ticket(io.tpm4j.api.types.TpmSt.VERIFIED.value(), TpmRh.NULL, new byte[0])));
            assertArrayEquals(policyUpdate(TpmCc.POLICY_AUTHORIZE, key.name(), policyRef), digest(), "PolicyAuthorize");
        }
    }

    @Test
    void policiesOverTimeTemplatesAndDuplication() throws Exception {
        byte[] operand = new TpmWriter().u64(1000).toByteArray();
        MessageDigest args = MessageDigest.getInstance("SHA-256");
        args.update(operand);
        args.update(new TpmWriter().u16(8).u16(TpmEo.UNSIGNED_GT.value()).toByteArray()); // offset 8: the clock
        byte[] argsHash = args.digest();
        check(s -> new PolicyCounterTimer(s, operand, 8, TpmEo.UNSIGNED_GT), TpmCc.POLICY_COUNTER_TIMER, argsHash);

        byte[] templateHash = MessageDigest.getInstance("SHA-256").digest(
                io.tpm4j.api.types.Templates.eccSigningKey().toBytes());
        check(s -> new PolicyTemplate(s, templateHash), TpmCc.POLICY_TEMPLATE, templateHash);

        byte[] parent = io.tpm4j.api.types.Templates.srkEccP256().name();
        check(s -> new PolicyDuplicationSelect(s, new byte[0], parent, false), TpmCc.POLICY_DUPLICATION_SELECT,
                new TpmWriter().bytes(parent).u8(0).toByteArray());
    }

    @Test
    void orOfTwoBranches() throws Exception {
        byte[] a = extend(new byte[32], TpmCc.POLICY_AUTH_VALUE, new byte[0]);
        byte[] b = extend(new byte[32], TpmCc.POLICY_PHYSICAL_PRESENCE, new byte[0]);
        tpm.execute(new PolicyAuthValue(session)); // the session's digest must be one of the branches
        tpm.execute(new PolicyOr(session, List.of(a, b)));
        byte[] expected = extend(new byte[32], TpmCc.POLICY_OR, new TpmWriter().bytes(a).bytes(b).toByteArray());
        assertArrayEquals(expected, tpm.execute(new PolicyGetDigest(session)).policyDigest());
    }
}
