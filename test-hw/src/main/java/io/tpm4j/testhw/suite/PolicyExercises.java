package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.LoadExternal;
import io.tpm4j.api.commands.PolicyAuthValue;
import io.tpm4j.api.commands.PolicyAuthorize;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.commands.PolicyCounterTimer;
import io.tpm4j.api.commands.PolicyCpHash;
import io.tpm4j.api.commands.PolicyDuplicationSelect;
import io.tpm4j.api.commands.PolicyGetDigest;
import io.tpm4j.api.commands.PolicyLocality;
import io.tpm4j.api.commands.PolicyNameHash;
import io.tpm4j.api.commands.PolicyNvWritten;
import io.tpm4j.api.commands.PolicyOr;
import io.tpm4j.api.commands.PolicyPassword;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.commands.PolicyPhysicalPresence;
import io.tpm4j.api.commands.PolicyRestart;
import io.tpm4j.api.commands.PolicySecret;
import io.tpm4j.api.commands.PolicySigned;
import io.tpm4j.api.commands.PolicyTemplate;
import io.tpm4j.api.commands.PolicyTicket;
import io.tpm4j.api.commands.VerifySignature;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static io.tpm4j.api.types.TpmCc.*;
import static io.tpm4j.testhw.suite.ExerciseSupport.EMPTY;
import static io.tpm4j.testhw.suite.ExerciseSupport.concat;
import static io.tpm4j.testhw.suite.ExerciseSupport.nullPrimary;
import static io.tpm4j.testhw.suite.ExerciseSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The exercise of policy sessions: every policy assertion that needs no NV index, each alone in a real policy
 * session, the TPM's digest compared with what tpm4j computes offline. (PolicyNV and PolicyAuthorizeNV are in
 * {@link NvExercises}, with the index they need.)
 */
final class PolicyExercises {

    /** Whether the TPM has a command: an exercise skips the optional steps whose commands it lacks. */
    private final Predicate<TpmCc> has;

    PolicyExercises(Predicate<TpmCc> advertised) {
        this.has = advertised;
    }

    /** One policy assertion: its command, how to run it in a session, and the digest it must give from empty. */
    private record Assertion(TpmCc command, IntConsumer run, UnaryOperator<PolicyDigest> expected) {
    }

    /**
     * Every policy assertion that needs no NV index, each alone in a real policy session (restarted in between),
     * the TPM's digest compared with what tpm4j computes offline.
     */
    void policies(Tpm tpm) {
        byte[] policyRef = "policy ref".getBytes(StandardCharsets.UTF_8);
        byte[] hash = sha256("a command".getBytes(StandardCharsets.UTF_8));
        byte[] clockAtLeastZero = new TpmWriter().u64(0).toByteArray();
        Map<Integer, byte[]> pcrs = tpm.pcrValues(TpmAlg.SHA256, 0, 1, 2, 3, 4, 5, 6, 7);
        try (TpmObject primary = nullPrimary(tpm);
             TpmObject key = tpm.load(primary, tpm.create(primary, Templates.eccSigningKey()));
             AuthSession session = tpm.startSession(Session.policy(TpmAlg.SHA256))) {
            int s = session.handle();
            // PolicySigned without nonce, cpHash or expiry: the key signs H(expiration = 0 || policyRef).
            Signature signed = tpm.sign(key, sha256(new TpmWriter().u32(0).bytes(policyRef).toByteArray()));
            List<Assertion> assertions = List.of(
                    new Assertion(POLICY_AUTH_VALUE, x -> tpm.execute(new PolicyAuthValue(x)), PolicyDigest::authValue),
                    new Assertion(POLICY_PASSWORD, x -> tpm.execute(new PolicyPassword(x)), PolicyDigest::password),
                    new Assertion(POLICY_PHYSICAL_PRESENCE, x -> tpm.execute(new PolicyPhysicalPresence(x)),
                            PolicyDigest::physicalPresence),
                    new Assertion(POLICY_COMMAND_CODE, x -> tpm.execute(new PolicyCommandCode(x, UNSEAL.value())),
                            p -> p.commandCode(UNSEAL)),
                    new Assertion(POLICY_LOCALITY, x -> tpm.execute(new PolicyLocality(x, 0x01)), p -> p.locality(0x01)),
                    new Assertion(POLICY_NV_WRITTEN, x -> tpm.execute(new PolicyNvWritten(x, true)), p -> p.nvWritten(true)),
                    new Assertion(POLICY_CP_HASH, x -> tpm.execute(new PolicyCpHash(x, hash)), p -> p.cpHash(hash)),
                    new Assertion(POLICY_NAME_HASH, x -> tpm.execute(new PolicyNameHash(x, hash)), p -> p.nameHash(hash)),
                    new Assertion(POLICY_TEMPLATE, x -> tpm.execute(new PolicyTemplate(x, hash)), p -> p.template(hash)),
                    new Assertion(POLICY_COUNTER_TIMER, x -> tpm.execute(new PolicyCounterTimer(x, clockAtLeastZero, 8,
                            TpmEo.UNSIGNED_GE)), p -> p.counterTimer(clockAtLeastZero, 8, TpmEo.UNSIGNED_GE)),
                    new Assertion(POLICY_DUPLICATION_SELECT, x -> tpm.execute(new PolicyDuplicationSelect(x, key.name(),
                            primary.name(), true)), p -> p.duplicationSelect(key.name(), primary.name(), true)),
                    new Assertion(POLICY_PCR, x -> tpm.execute(new PolicyPcr(x, new byte[0],
                            List.of(PcrSelection.of(TpmAlg.SHA256, 0, 1, 2, 3, 4, 5, 6, 7)))), p -> p.pcr(TpmAlg.SHA256, pcrs)),
                    new Assertion(POLICY_OR, x -> {
                        tpm.execute(new PolicyAuthValue(x));
                        tpm.execute(new PolicyOr(x, List.of(PolicyDigest.start(TpmAlg.SHA256).authValue().digest(),
                                PolicyDigest.start(TpmAlg.SHA256).physicalPresence().digest())));
                    }, p -> p.authValue().or(List.of(p.authValue(), p.physicalPresence()))),
                    new Assertion(POLICY_SIGNED, x -> tpm.execute(new PolicySigned(key.handle(), x, new byte[0],
                            new byte[0], policyRef, 0, signed)), p -> p.signed(key.name(), policyRef)),
                    new Assertion(POLICY_SECRET, x -> tpm.execute(new PolicySecret(key.handle(), EMPTY, x, new byte[0],
                            new byte[0], policyRef, 0)), p -> p.secret(key.name(), policyRef)),
                    new Assertion(POLICY_TICKET, x -> {
                        // A negative expiry with the session's nonce asks PolicySecret for a ticket to replay.
                        PolicySecret.Response secret = tpm.execute(new PolicySecret(key.handle(), EMPTY, x,
                                session.nonceTpm(), new byte[0], policyRef, -60));
                        tpm.execute(new PolicyRestart(x));
                        tpm.execute(new PolicyTicket(x, secret.timeout(), new byte[0], policyRef, key.name(),
                                secret.policyTicket()));
                    }, p -> p.secret(key.name(), policyRef)),
                    new Assertion(POLICY_AUTHORIZE, x -> authorize(tpm, key, x, policyRef), p -> p.authorize(
                            externalName(tpm, key), policyRef)));
            for (Assertion assertion : assertions) {
                if (has.test(assertion.command())) {
                    tpm.execute(new PolicyRestart(s));
                    assertion.run().accept(s);
                    assertArrayEquals(assertion.expected().apply(PolicyDigest.start(TpmAlg.SHA256)).digest(),
                            tpm.execute(new PolicyGetDigest(s)).policyDigest(), assertion.command().specName());
                }
            }
        }
    }

    /**
     * PolicyAuthorize of the session's current policy (PolicyAuthValue), approved by {@code key}: its signature
     * checked by TPM2_VerifySignature against the public key loaded in the owner hierarchy (no authorisation
     * needed), whose ticket the TPM accepts; a NULL-hierarchy key would only get a NULL ticket.
     */
    private static void authorize(Tpm tpm, TpmObject key, int session, byte[] policyRef) {
        tpm.execute(new PolicyAuthValue(session));
        byte[] approved = PolicyDigest.start(TpmAlg.SHA256).authValue().digest();
        byte[] aHash = sha256(concat(approved, policyRef));
        Signature signature = tpm.sign(key, aHash);
        LoadExternal.Response external = tpm.execute(new LoadExternal(publicOnly(key), TpmRh.OWNER));
        try {
            Ticket verified = tpm.execute(new VerifySignature(external.objectHandle(), aHash, signature)).validation();
            tpm.execute(new PolicyAuthorize(session, approved, policyRef, external.name(), verified));
        } finally {
            tpm.execute(new FlushContext(external.objectHandle()));
        }
    }

    /** The key's public part as an outside key: what LoadExternal takes, and the Name it gets. */
    private static PublicArea publicOnly(TpmObject key) {
        return PublicKeys.toPublicArea(PublicKeys.toPublicKey(key.publicArea()), TpmAlg.SHA256);
    }

    private static byte[] externalName(Tpm tpm, TpmObject key) {
        return publicOnly(key).name();
    }
}
