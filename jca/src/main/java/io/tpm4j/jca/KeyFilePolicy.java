package io.tpm4j.jca;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.commands.CommandLayout;
import io.tpm4j.api.commands.NoResponseCommand;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.jca.keyfile.TssPrivateKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.tpm4j.api.commands.Parameter.structure;

/**
 * The policy a TSS2 key file carries, replayed on the policy session the provider starts for each use of the key:
 * each statement is its policy command, sent with the session handle and the statement's parameter bytes
 * (draft-bottomley-tpm2-keys, section 4: the command body in TPM order). Only statements whose one handle is the
 * policy session can be replayed from the file alone; the others (PolicySigned, PolicySecret, PolicyAuthorize,
 * PolicyOR, PolicyNV...) need keys, tickets or entities the file does not hold, and are refused when the file is read.
 * PolicyAuthValue and PolicyPassword make the key's password part of the authorisation.
 */
final class KeyFilePolicy implements TpmPolicy {

    /** The policy commands whose only handle is the policy session, so that the file's bytes are the whole command. */
    private static final Set<TpmCc> REPLAYABLE = EnumSet.of(TpmCc.POLICY_PCR, TpmCc.POLICY_AUTH_VALUE,
            TpmCc.POLICY_PASSWORD, TpmCc.POLICY_COMMAND_CODE, TpmCc.POLICY_LOCALITY, TpmCc.POLICY_COUNTER_TIMER,
            TpmCc.POLICY_NV_WRITTEN, TpmCc.POLICY_CP_HASH, TpmCc.POLICY_NAME_HASH, TpmCc.POLICY_PHYSICAL_PRESENCE,
            TpmCc.POLICY_TEMPLATE);
    /** Far more than any digest or operand a policy statement holds. */
    private static final int MAX_OPERAND = 1024;

    /** One policy command as the file gives it, with the session handle in front. */
    private record Statement(TpmCc code, byte[] parameters) {
        NoResponseCommand on(int policySession) {
            return () -> CommandLayout.of(code).handle(policySession).parameters(structure(out -> out.bytes(parameters)));
        }
    }

    private final List<Statement> statements;
    private final Authorization.PolicyProof proof;
    /** The statements as the file had them, so that the key can be written to another file with its policy. */
    private final List<TssPrivateKey.TpmPolicy> steps;

    private KeyFilePolicy(List<Statement> statements, Authorization.PolicyProof proof,
                          List<TssPrivateKey.TpmPolicy> steps) {
        this.statements = statements;
        this.proof = proof;
        this.steps = steps;
    }

    /** The policy as a key file carries it. */
    List<TssPrivateKey.TpmPolicy> steps() {
        return steps;
    }

    /**
     * The policy of {@code steps}, checked: every statement is one this class replays, and its parameters parse as
     * that command's.
     *
     * @throws IllegalArgumentException naming the statement and command that cannot be replayed, or what is malformed
     */
    static KeyFilePolicy of(List<TssPrivateKey.TpmPolicy> steps) {
        List<Statement> statements = new ArrayList<>();
        Authorization.PolicyProof proof = Authorization.PolicyProof.NONE;
        for (int i = 0; i < steps.size(); i++) {
            TssPrivateKey.TpmPolicy step = steps.get(i);
            String where = "policy statement " + (i + 1) + " (" + TpmCc.describe(step.commandCode()) + ")";
            TpmCc code = TpmCc.of(step.commandCode()).filter(REPLAYABLE::contains).orElseThrow(() ->
                    new IllegalArgumentException(where + " cannot be replayed from the key file: tpm4j replays the "
                            + "statements whose only handle is the policy session (" + names() + ")"));
            byte[] parameters;
            try {
                parameters = checked(code, step.commandPolicy(), where);
            } catch (TpmProtocolException e) {
                throw new IllegalArgumentException(where + ": its parameters are malformed: " + e.getMessage(), e);
            }
            statements.add(new Statement(code, parameters));
            if (code == TpmCc.POLICY_AUTH_VALUE) {
                proof = Authorization.PolicyProof.AUTH_VALUE;
            } else if (code == TpmCc.POLICY_PASSWORD && proof == Authorization.PolicyProof.NONE) {
                proof = Authorization.PolicyProof.PASSWORD;
            }
        }
        return new KeyFilePolicy(List.copyOf(statements), proof, List.copyOf(steps));
    }

    /** Whether the policy asks for the key's password (PolicyAuthValue or PolicyPassword). */
    boolean needsPassword() {
        return proof != Authorization.PolicyProof.NONE;
    }

    @Override
    public Authorization.PolicyProof satisfy(Tpm tpm, AuthSession session) {
        for (Statement s : statements) {
            tpm.execute(s.on(session.handle()));
        }
        return proof;
    }

    /**
     * The policy digest the statements make with {@code hash}: what the key's authPolicy must be for them to satisfy
     * it, so that a file whose policy cannot work is refused when it is read rather than at each use.
     *
     * @throws IllegalArgumentException for a PolicyCommandCode or PolicyCounterTimer operation tpm4j does not know
     */
    PolicyDigest digest(TpmAlg hash) {
        PolicyDigest digest = PolicyDigest.start(hash);
        for (Statement s : statements) {
            TpmReader in = new TpmReader(s.parameters());
            digest = switch (s.code()) {
                case POLICY_PCR -> {
                    byte[] pcrDigest = in.tpm2b(MAX_OPERAND, "pcrDigest");
                    yield digest.pcrDigest(PcrSelection.readList(in), pcrDigest);
                }
                case POLICY_AUTH_VALUE -> digest.authValue();
                case POLICY_PASSWORD -> digest.password();
                case POLICY_PHYSICAL_PRESENCE -> digest.physicalPresence();
                case POLICY_COMMAND_CODE -> {
                    int code = in.u32("code");
                    yield digest.commandCode(TpmCc.of(code).orElseThrow(() -> new IllegalArgumentException(
                            "PolicyCommandCode names an unknown command code 0x" + Integer.toHexString(code))));
                }
                case POLICY_LOCALITY -> digest.locality(in.u8("locality"));
                case POLICY_NV_WRITTEN -> digest.nvWritten(in.bool("writtenSet"));
                case POLICY_CP_HASH -> digest.cpHash(in.tpm2b(MAX_OPERAND, "cpHashA"));
                case POLICY_NAME_HASH -> digest.nameHash(in.tpm2b(MAX_OPERAND, "nameHash"));
                case POLICY_TEMPLATE -> digest.template(in.tpm2b(MAX_OPERAND, "templateHash"));
                case POLICY_COUNTER_TIMER -> {
                    byte[] operandB = in.tpm2b(MAX_OPERAND, "operandB");
                    int offset = in.u16("offset");
                    int operation = in.u16("operation");
                    yield digest.counterTimer(operandB, offset, Arrays.stream(TpmEo.values())
                            .filter(eo -> eo.value() == operation).findFirst().orElseThrow(() ->
                                    new IllegalArgumentException("PolicyCounterTimer names an unknown operation 0x"
                                            + Integer.toHexString(operation))));
                }
                default -> throw new IllegalStateException(s.code() + " is not replayable");
            };
        }
        return digest;
    }

    /** The parameters to send: those of the file, after checking they parse as {@code code}'s. */
    private static byte[] checked(TpmCc code, byte[] parameters, String where) {
        TpmReader in = new TpmReader(parameters);
        switch (code) {
            case POLICY_PCR -> {
                return pcrParameters(parameters, where);
            }
            case POLICY_AUTH_VALUE, POLICY_PASSWORD, POLICY_PHYSICAL_PRESENCE -> {
            }
            case POLICY_COMMAND_CODE -> in.u32("code");
            case POLICY_LOCALITY -> in.u8("locality");
            case POLICY_NV_WRITTEN -> in.bool("writtenSet");
            case POLICY_CP_HASH, POLICY_NAME_HASH, POLICY_TEMPLATE -> in.tpm2b(MAX_OPERAND, "digest");
            case POLICY_COUNTER_TIMER -> {
                in.tpm2b(MAX_OPERAND, "operandB");
                in.u16("offset");
                in.u16("operation");
            }
            default -> throw new IllegalStateException(code + " is not replayable");
        }
        in.expectEnd(where);
        return parameters;
    }

    /**
     * PolicyPCR's parameters in TPM order (pcrDigest as a TPM2B, then pcrs), as the draft says and grub writes them;
     * openssl_tpm2_engine writes pcrs first and then the bare digest (the order of the policy hash), which is
     * accepted too and sent in TPM order. The two cannot be mistaken for each other: each fails to parse as the other.
     */
    private static byte[] pcrParameters(byte[] parameters, String where) {
        try {
            TpmReader in = new TpmReader(parameters);
            in.tpm2b(MAX_OPERAND, "pcrDigest");
            PcrSelection.readList(in);
            in.expectEnd(where);
            return parameters;
        } catch (TpmProtocolException tpmOrder) {
            TpmReader in = new TpmReader(parameters);
            List<PcrSelection> pcrs;
            try {
                pcrs = PcrSelection.readList(in);
            } catch (TpmProtocolException engineOrder) {
                throw tpmOrder;
            }
            byte[] digest = in.bytes(in.remaining(), "pcrDigest");
            TpmWriter out = new TpmWriter().tpm2b(digest);
            PcrSelection.writeList(out, pcrs);
            return out.toByteArray();
        }
    }

    private static String names() {
        return String.join(", ", REPLAYABLE.stream().map(TpmCc::specName).toList());
    }

    @Override
    public String toString() {
        return "KeyFilePolicy" + statements.stream().map(s -> s.code().specName()).toList();
    }
}
