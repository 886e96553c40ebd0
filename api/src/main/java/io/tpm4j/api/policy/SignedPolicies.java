package io.tpm4j.api.policy;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.LoadExternal;
import io.tpm4j.api.commands.PolicyAuthorize;
import io.tpm4j.api.commands.VerifySignature;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Signed approvals on a TPM (Part 3, TPM2_PolicyAuthorize): the TPM checks an {@link Approval}'s signature
 * (TPM2_LoadExternal of the authority's public area in the owner hierarchy, TPM2_VerifySignature over aHash, flushed
 * again), and the ticket it returns lets a policy session swap the approved policy's digest for the one naming the
 * authority — the digest objects are sealed to.
 */
public final class SignedPolicies {

    private final Tpm tpm;

    private SignedPolicies(Tpm tpm) {
        this.tpm = Objects.requireNonNull(tpm, "tpm");
    }

    public static SignedPolicies on(Tpm tpm) {
        return new SignedPolicies(tpm);
    }

    /**
     * The TPM's check of the approval's signature: a TPMT_TK_VERIFIED ticket for aHash and the authority's Name,
     * valid on this TPM until its owner hierarchy's proof changes (TPM2_Clear).
     *
     * @throws ApprovalRefusedException ({@link ApprovalRefusedException.Reason#BAD_SIGNATURE}) when the TPM
     *                                  answers TPM_RC_SIGNATURE
     */
    public Ticket verify(Approval approval) {
        // The owner hierarchy: a key loaded in the null hierarchy gets a null ticket, which PolicyAuthorize refuses.
        LoadExternal.Response loaded = tpm.execute(new LoadExternal(approval.authority(), TpmRh.OWNER));
        try {
            return tpm.execute(new VerifySignature(loaded.objectHandle(), approval.aHash(), approval.signature()))
                    .validation();
        } catch (TpmResponseException e) {
            if (e.is(TpmRc.SIGNATURE)) {
                throw new ApprovalRefusedException(ApprovalRefusedException.Reason.BAD_SIGNATURE, "the TPM refused "
                        + "the signature of " + approval + ": not made by that key over that policy and policyRef", e);
            }
            throw e;
        } finally {
            tpm.execute(new FlushContext(loaded.objectHandle()));
        }
    }

    /**
     * The policy commands for an object sealed to {@code approval.authorizedPolicy()}: {@code approvedSteps} (the
     * approved policy's own commands, e.g. TPM2_PolicyPCR), then TPM2_PolicyAuthorize. The signature is checked
     * now, before any session exists (so the authority's key is not loaded alongside the object); the steps are for
     * {@link Tpm#unseal(TpmObject, Create.Response, Consumer)} or any policy session.
     *
     * @throws ApprovalRefusedException when the TPM refuses the signature now, or — when the steps run — the state
     *                                  the session reached is not the approved one
     */
    public Consumer<AuthSession> authorize(Approval approval, Consumer<AuthSession> approvedSteps) {
        Objects.requireNonNull(approvedSteps, "approvedSteps");
        Ticket ticket = verify(approval);
        return session -> {
            approvedSteps.accept(session);
            try {
                tpm.execute(new PolicyAuthorize(session.handle(), approval.approvedPolicy().digest(),
                        approval.policyRef(), approval.authorityName(), ticket));
            } catch (TpmResponseException e) {
                throw refusedIfNotApproved(e, "the session's policy digest after the approved policy's commands is not "
                        + "the one " + approval + " approves: the TPM's state (e.g. a PCR) is not the approved one");
            }
        };
    }

    /**
     * Unseals an object sealed to {@code approval.authorizedPolicy()} (see {@link #authorize}), first checking in
     * Java that the approval is for it: the authority's Name and the policyRef give the object's authPolicy.
     *
     * @throws ApprovalRefusedException ({@link ApprovalRefusedException.Reason#NOT_FOR_THIS_OBJECT}) for an approval
     *                                  by another key or for another policyRef, besides {@link #authorize}'s reasons
     */
    public byte[] unseal(TpmObject parent, Create.Response sealed, Approval approval, Consumer<AuthSession> approvedSteps) {
        PolicyDigest expected = PolicyDigest.start(sealed.outPublic().nameAlg()).authorize(approval.authorityName(),
                approval.policyRef());
        HexFormat hex = HexFormat.of();
        if (approval.approvedPolicy().hash() != sealed.outPublic().nameAlg()) {
            throw new ApprovalRefusedException(ApprovalRefusedException.Reason.NOT_FOR_THIS_OBJECT, approval
                    + " approves a " + approval.approvedPolicy().hash() + " policy; the object's policy sessions are "
                    + sealed.outPublic().nameAlg(), null);
        }
        if (!Arrays.equals(expected.digest(), sealed.outPublic().authPolicy())) {
            throw new ApprovalRefusedException(ApprovalRefusedException.Reason.NOT_FOR_THIS_OBJECT, approval
                    + " would authorise the policy " + hex.formatHex(expected.digest()) + ", but the object's authPolicy is "
                    + hex.formatHex(sealed.outPublic().authPolicy()) + ": it is signed by another key or for another "
                    + "policyRef (policyRef \"" + hex.formatHex(approval.policyRef()) + "\")", null);
        }
        return tpm.unseal(parent, sealed, authorize(approval, approvedSteps));
    }

    /**
     * TPM_RC_VALUE on the first parameter of TPM2_PolicyAuthorize (approvedPolicy) or on TPM2_PolicyAuthorizeNV: the
     * session's digest is not the approved one. Anything else is returned as it is.
     */
    static RuntimeException refusedIfNotApproved(TpmResponseException e, String why) {
        boolean approvedPolicyParameter = e.commandCode() == TpmCc.POLICY_AUTHORIZE.value()
                && e.responseCode().parameterNumber().equals(OptionalInt.of(1));
        boolean nvPolicy = e.commandCode() == TpmCc.POLICY_AUTHORIZE_NV.value();
        if (e.is(TpmRc.VALUE) && (approvedPolicyParameter || nvPolicy)) {
            return new ApprovalRefusedException(ApprovalRefusedException.Reason.STATE_NOT_APPROVED, why, e);
        }
        return e;
    }
}
