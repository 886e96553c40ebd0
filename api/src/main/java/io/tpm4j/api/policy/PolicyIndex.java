package io.tpm4j.api.policy;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.NvWrite;
import io.tpm4j.api.commands.PolicyAuthorizeNv;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * An NV index that holds a policy (Part 3, TPM2_PolicyAuthorizeNV): its contents are a TPMT_HA, the policy's hash
 * algorithm and digest. An object sealed to {@link #authorizedPolicy()} names only the index; it unseals in a session
 * whose digest, after the policy's own commands, equals what the index holds at that moment. Rewriting the index
 * ({@link #write}) revokes the previous policy at once, without touching the sealed objects.
 *
 * <p>The indices {@link #define} makes are written by the owner (the facade's empty owner password) and read with
 * the index's own empty authValue, as TPM2_PolicyAuthorizeNV must read them; their Name, and so the sealed
 * objects' policy, stays the same across writes.
 */
public final class PolicyIndex {

    private final Tpm tpm;
    private final int index;
    private final TpmAlg hash;

    private PolicyIndex(Tpm tpm, int index, TpmAlg hash) {
        this.tpm = tpm;
        this.index = index;
        this.hash = hash;
    }

    /**
     * TPM2_NV_DefineSpace of an ordinary index at {@code index} sized for a TPMT_HA of {@code policy}'s hash
     * (ownerWrite, authRead, noDA; nameAlg the policy's hash), then the policy written into it.
     */
    public static PolicyIndex define(Tpm tpm, int index, PolicyDigest policy) {
        TpmAlg hash = policy.hash();
        tpm.nvDefine(new NvPublic(index, hash, NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.OWNERWRITE,
                NvAttributes.AUTHREAD, NvAttributes.NO_DA), new byte[0], 2 + hash.digestSize().getAsInt()), new byte[0]);
        PolicyIndex defined = new PolicyIndex(tpm, index, hash);
        try {
            defined.write(policy);
        } catch (RuntimeException e) {
            tpm.nvUndefine(index);
            throw e;
        }
        return defined;
    }

    /** An index defined before (by {@link #define} or another tool with the same layout); its nameAlg is the policies' hash. */
    public static PolicyIndex existing(Tpm tpm, int index) {
        NvPublic nv = tpm.nvReadPublic(index).nvPublic();
        if (nv.dataSize() != 2 + nv.nameAlg().digestSize().orElse(-2)) {
            throw new IllegalArgumentException(String.format("NV index 0x%08x holds %d bytes, not a TPMT_HA of its "
                    + "nameAlg %s", index, nv.dataSize(), nv.nameAlg()));
        }
        return new PolicyIndex(tpm, index, nv.nameAlg());
    }

    public int index() {
        return index;
    }

    /** Writes {@code policy} as the index's TPMT_HA (owner authorisation): from now on only it is authorised. */
    public void write(PolicyDigest policy) {
        if (policy.hash() != hash) {
            throw new IllegalArgumentException("a " + policy.hash() + " policy in an index for " + hash + " policies");
        }
        TpmWriter ha = new TpmWriter();
        new TaggedDigest(policy.hash(), policy.digest()).write(ha);
        tpm.execute(new NvWrite(TpmRh.OWNER, Authorization.emptyPassword(), index, ha.toByteArray(), 0));
    }

    /** The policy the index holds now, read and checked: a TPMT_HA of the index's hash. */
    public PolicyDigest policy() {
        byte[] contents = tpm.nvRead(index, Authorization.emptyPassword());
        try {
            TpmReader in = new TpmReader(contents);
            TaggedDigest held = TaggedDigest.read(in);
            in.expectEnd("the policy index's TPMT_HA");
            return new PolicyDigest(held.hashAlg(), held.digest());
        } catch (TpmProtocolException e) {
            throw new IllegalStateException(String.format("NV index 0x%08x does not hold a policy: %s", index,
                    e.getMessage()), e);
        }
    }

    /** The policy to seal to: TPM2_PolicyAuthorizeNV naming this index (its Name as the TPM reports it now). */
    public PolicyDigest authorizedPolicy() {
        return PolicyDigest.start(hash).authorizeNv(tpm.nvReadPublic(index).nvName());
    }

    /**
     * The policy commands for an object sealed to {@link #authorizedPolicy()}: {@code policySteps} (the commands of
     * the policy the index holds, which may end in a {@link SignedPolicies#authorize signed approval}), then
     * TPM2_PolicyAuthorizeNV, authorised by the index's empty authValue.
     *
     * @throws ApprovalRefusedException ({@link ApprovalRefusedException.Reason#STATE_NOT_APPROVED}) when the session's
     *                                  digest is not what the index holds
     */
    public Consumer<AuthSession> authorize(Consumer<AuthSession> policySteps) {
        Objects.requireNonNull(policySteps, "policySteps");
        return session -> {
            policySteps.accept(session);
            try {
                tpm.execute(new PolicyAuthorizeNv(index, Authorization.emptyPassword(), index, session.handle()));
            } catch (TpmResponseException e) {
                throw SignedPolicies.refusedIfNotApproved(e, String.format("the session's policy digest is not the "
                        + "policy NV index 0x%08x holds now: the state is not the approved one, or the index was "
                        + "rewritten", index));
            }
        };
    }

    /** TPM2_NV_UndefineSpace (owner): every object sealed to this index is then locked until an index of the same Name exists. */
    public void undefine() {
        tpm.nvUndefine(index);
    }

    @Override
    public String toString() {
        return String.format("PolicyIndex[0x%08x, %s]", index, hash);
    }
}
