package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.CreatePrimary;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.NvDefineSpace;
import io.tpm4j.api.commands.NvUndefineSpace;
import io.tpm4j.api.commands.NvWrite;
import io.tpm4j.api.commands.PolicyCpHash;
import io.tpm4j.api.commands.PolicyNameHash;
import io.tpm4j.api.commands.PolicyNvWritten;
import io.tpm4j.api.commands.PolicyTemplate;
import io.tpm4j.api.commands.SetPrimaryPolicy;
import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SensitiveCreate;
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
import java.util.function.Consumer;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policies that name a command's parameters or handles (PolicyCpHash, PolicyNameHash), its template
 * (PolicyTemplate), or an index's state (PolicyNvWritten), satisfied and violated in real policy sessions.
 * The owner hierarchy carries the first three as its policy: a hierarchy's Name is its handle, so its
 * policy can name the command's other parts without naming itself.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HierarchyPolicyTest extends WithFreshTpm {

    private static final Authorization EMPTY = Authorization.emptyPassword();
    private static final PolicyDigest START = PolicyDigest.start(TpmAlg.SHA256);
    private static final byte[] OWNER_NAME = new TpmWriter().u32(TpmRh.OWNER).toByteArray();

    @AfterEach
    void nothingLeft() {
        assertEquals(List.of(), CallerSessions.loaded(tpm));
        assertEquals(List.of(), tpm.handles(TpmHt.NV_INDEX));
    }

    private void ownerPolicy(PolicyDigest policy) {
        tpm.execute(new SetPrimaryPolicy(TpmRh.OWNER, EMPTY, policy.digest(), TpmAlg.SHA256));
    }

    /** Runs {@code steps} on a fresh policy session, then {@code command} authorised by it. */
    private <R> R withPolicy(Consumer<AuthSession> steps, Function<Authorization, TpmCommand<R>> command) {
        try (AuthSession session = tpm.startSession(Session.policy(TpmAlg.SHA256))) {
            steps.accept(session);
            return tpm.execute(command.apply(Authorization.policy(session)));
        }
    }

    private static NvPublic index(int handle) {
        return new NvPublic(handle, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.AUTHREAD,
                NvAttributes.AUTHWRITE, NvAttributes.NO_DA), new byte[0], 8);
    }

    private static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    private static void assertRefused(Runnable violation) {
        TpmResponseException refused = assertThrows(TpmResponseException.class, violation::run);
        assertTrue(refused.is(TpmRc.POLICY_FAIL) || refused.is(TpmRc.CPHASH), refused.getMessage());
    }

    @Test
    void cpHashBindsTheCommandsParameters() throws Exception {
        NvPublic allowed = index(0x01500500);
        TpmWriter parameters = new TpmWriter().tpm2b(new byte[0]);
        allowed.writeSized(parameters);
        byte[] cpHash = sha256(new TpmWriter().u32(TpmCc.NV_DEFINE_SPACE.value()).toByteArray(), OWNER_NAME,
                parameters.toByteArray());
        ownerPolicy(START.cpHash(cpHash));
        Consumer<AuthSession> steps = s -> tpm.execute(new PolicyCpHash(s.handle(), cpHash));
        withPolicy(steps, auth -> new NvDefineSpace(TpmRh.OWNER, auth, new byte[0], allowed));
        tpm.nvUndefine(allowed.nvIndex());
        assertRefused(() -> withPolicy(steps, auth -> new NvDefineSpace(TpmRh.OWNER, auth, new byte[0],
                index(0x01500501))));
    }

    @Test
    void nameHashBindsTheCommandsHandles() throws Exception {
        tpm.nvDefine(index(0x01500510), new byte[0]);
        tpm.nvDefine(index(0x01500511), new byte[0]);
        try {
            byte[] nameHash = sha256(OWNER_NAME, tpm.nvReadPublic(0x01500510).nvName());
            ownerPolicy(START.nameHash(nameHash));
            Consumer<AuthSession> steps = s -> tpm.execute(new PolicyNameHash(s.handle(), nameHash));
            withPolicy(steps, auth -> new NvUndefineSpace(TpmRh.OWNER, auth, 0x01500510));
            assertRefused(() -> withPolicy(steps, auth -> new NvUndefineSpace(TpmRh.OWNER, auth, 0x01500511)));
        } finally {
            for (int index : tpm.handles(TpmHt.NV_INDEX)) {
                tpm.nvUndefine(index);
            }
        }
    }

    @Test
    void templateBindsWhatTheHierarchyMayCreate() throws Exception {
        PublicArea allowed = Templates.srkEccP256();
        byte[] templateHash = sha256(allowed.toBytes());
        ownerPolicy(START.template(templateHash));
        Consumer<AuthSession> steps = s -> tpm.execute(new PolicyTemplate(s.handle(), templateHash));
        int handle = withPolicy(steps, auth -> new CreatePrimary(TpmRh.OWNER, auth, SensitiveCreate.EMPTY, allowed,
                new byte[0], List.of())).objectHandle();
        tpm.execute(new FlushContext(handle));
        assertRefused(() -> withPolicy(steps, auth -> new CreatePrimary(TpmRh.OWNER, auth, SensitiveCreate.EMPTY,
                Templates.eccSigningKey(), new byte[0], List.of())));
        assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT));
    }

    @Test
    void nvWrittenAllowsOnlyTheFirstWrite() {
        int handle = 0x01500520;
        tpm.nvDefine(new NvPublic(handle, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.POLICYWRITE,
                NvAttributes.AUTHREAD, NvAttributes.NO_DA), START.nvWritten(false).digest(), 8), new byte[0]);
        try {
            Consumer<AuthSession> steps = s -> tpm.execute(new PolicyNvWritten(s.handle(), false));
            withPolicy(steps, auth -> new NvWrite(handle, auth, handle, "first!!!".getBytes(), 0));
            assertRefused(() -> withPolicy(steps, auth -> new NvWrite(handle, auth, handle, "again!!!".getBytes(), 0)));
        } finally {
            tpm.nvUndefine(handle);
        }
    }
}
