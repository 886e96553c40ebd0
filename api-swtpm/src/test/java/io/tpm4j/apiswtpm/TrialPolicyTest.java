package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.NvWrite;
import io.tpm4j.api.commands.PolicyAuthValue;
import io.tpm4j.api.commands.PolicyAuthorize;
import io.tpm4j.api.commands.PolicyAuthorizeNv;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.commands.PolicyCounterTimer;
import io.tpm4j.api.commands.PolicyCpHash;
import io.tpm4j.api.commands.PolicyDuplicationSelect;
import io.tpm4j.api.commands.PolicyGetDigest;
import io.tpm4j.api.commands.PolicyLocality;
import io.tpm4j.api.commands.PolicyNameHash;
import io.tpm4j.api.commands.PolicyNv;
import io.tpm4j.api.commands.PolicyNvWritten;
import io.tpm4j.api.commands.PolicyOr;
import io.tpm4j.api.commands.PolicyPassword;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.commands.PolicyPhysicalPresence;
import io.tpm4j.api.commands.PolicyRestart;
import io.tpm4j.api.commands.PolicySecret;
import io.tpm4j.api.commands.PolicySigned;
import io.tpm4j.api.commands.PolicyTemplate;
import io.tpm4j.api.commands.StartAuthSession;
import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.types.TpmSt;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.AfterEach;
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

/**
 * Every policy command in a trial session: the TPM's digest equals what {@link PolicyDigest} computes offline.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrialPolicyTest extends WithSharedTpm {

    private static final Authorization EMPTY = Authorization.emptyPassword();
    private int session;

    @BeforeEach
    void trialSession() {
        session = tpm.execute(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, tpm.getRandom(32), new byte[0],
                StartAuthSession.TRIAL, SymmetricDefinition.NULL, TpmAlg.SHA256)).sessionHandle();
    }

    @AfterEach
    void flush() {
        tpm.execute(new FlushContext(session));
        assertEquals(List.of(), CallerSessions.loaded(tpm));
    }

    private static final PolicyDigest EMPTY_POLICY = PolicyDigest.start(TpmAlg.SHA256);

    /** Runs {@code command} alone in the trial session and compares the TPM's digest with {@code expected}. */
    private void check(IntFunction<TpmCommand<?>> command, PolicyDigest expected) {
        tpm.execute(new PolicyRestart(session));
        tpm.execute(command.apply(session));
        assertArrayEquals(expected.digest(), digest(), command.apply(session).code().specName());
    }

    private byte[] digest() {
        return tpm.execute(new PolicyGetDigest(session)).policyDigest();
    }

    @Test
    void assertionsWithoutEntities() throws Exception {
        check(PolicyAuthValue::new, EMPTY_POLICY.authValue());
        check(PolicyPassword::new, EMPTY_POLICY.password());
        check(PolicyPhysicalPresence::new, EMPTY_POLICY.physicalPresence());
        check(s -> new PolicyCommandCode(s, TpmCc.UNSEAL.value()), EMPTY_POLICY.commandCode(TpmCc.UNSEAL));
        check(s -> new PolicyLocality(s, 0x01), EMPTY_POLICY.locality(0x01));
        check(s -> new PolicyNvWritten(s, true), EMPTY_POLICY.nvWritten(true));
        byte[] hash = MessageDigest.getInstance("SHA-256").digest("a command".getBytes());
        check(s -> new PolicyCpHash(s, hash), EMPTY_POLICY.cpHash(hash));
        check(s -> new PolicyNameHash(s, hash), EMPTY_POLICY.nameHash(hash));
        byte[] templateHash = MessageDigest.getInstance("SHA-256").digest(Templates.eccSigningKey().toBytes());
        check(s -> new PolicyTemplate(s, templateHash), EMPTY_POLICY.template(templateHash));
        byte[] operand = new TpmWriter().u64(1000).toByteArray();
        check(s -> new PolicyCounterTimer(s, operand, 8, TpmEo.UNSIGNED_GT), // offset 8: the clock
                EMPTY_POLICY.counterTimer(operand, 8, TpmEo.UNSIGNED_GT));
        byte[] parent = Templates.srkEccP256().name();
        byte[] object = Templates.eccSigningKey().name();
        check(s -> new PolicyDuplicationSelect(s, object, parent, false), EMPTY_POLICY.duplicationSelect(object, parent, false));
        check(s -> new PolicyDuplicationSelect(s, object, parent, true), EMPTY_POLICY.duplicationSelect(object, parent, true));
    }

    @Test
    void pcrPolicyOverCurrentAndPredictedValues() {
        Map<Integer, byte[]> values = tpm.pcrValues(TpmAlg.SHA256, 0, 7);
        PcrSelection pcrs = PcrSelection.of(TpmAlg.SHA256, 0, 7);
        check(s -> new PolicyPcr(s, new byte[0], List.of(pcrs)), EMPTY_POLICY.pcr(TpmAlg.SHA256, values));
    }

    @Test
    void assertionsNamingAnEntity() {
        byte[] policyRef = "ref".getBytes();
        byte[] endorsement = new TpmWriter().u32(TpmRh.ENDORSEMENT).toByteArray();
        check(s -> new PolicySecret(TpmRh.ENDORSEMENT, EMPTY, s, new byte[0], new byte[0], policyRef, 0),
                EMPTY_POLICY.secret(endorsement, policyRef));
        // With an empty policyRef this is the EK Credential Profile's Policy A.
        assertArrayEquals(Templates.ekPolicyA(), EMPTY_POLICY.secret(endorsement, new byte[0]).digest());

        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()))) {
            Signature placeholder = new Signature.Ecc(TpmAlg.ECDSA.value(), TpmAlg.SHA256.value(), new byte[32], new byte[32]);
            check(s -> new PolicySigned(key.handle(), s, new byte[0], new byte[0], policyRef, 0, placeholder),
                    EMPTY_POLICY.signed(key.name(), policyRef));
            check(s -> new PolicyAuthorize(s, new byte[32], policyRef, key.name(),
                    new Ticket(TpmSt.VERIFIED.value(), TpmRh.NULL, new byte[0])), EMPTY_POLICY.authorize(key.name(), policyRef));
        }
    }

    @Test
    void nvAssertions() {
        int index = 0x01500300;
        tpm.nvDefine(new NvPublic(index, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.AUTHREAD,
                NvAttributes.AUTHWRITE, NvAttributes.NO_DA), new byte[0], 34), new byte[0]);
        try {
            tpm.execute(new NvWrite(index, EMPTY, index, new byte[34], 0));
            byte[] name = tpm.nvReadPublic(index).nvName();
            byte[] operand = {0, 0};
            check(s -> new PolicyNv(index, EMPTY, index, s, operand, 0, TpmEo.EQ), EMPTY_POLICY.nv(operand, 0, TpmEo.EQ, name));
            check(s -> new PolicyAuthorizeNv(index, EMPTY, index, s), EMPTY_POLICY.authorizeNv(name));
        } finally {
            tpm.nvUndefine(index);
        }
    }

    @Test
    void orOfTwoBranches() {
        PolicyDigest a = EMPTY_POLICY.authValue();
        PolicyDigest b = EMPTY_POLICY.physicalPresence();
        tpm.execute(new PolicyAuthValue(session)); // the session's digest must be one of the branches
        tpm.execute(new PolicyOr(session, List.of(a.digest(), b.digest())));
        assertArrayEquals(a.or(List.of(a, b)).digest(), digest());
    }
}
