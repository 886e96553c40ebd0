package io.tpm4j.api.session;

import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmEo;
import io.tpm4j.api.wire.TpmWriter;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A policy digest computed offline, as a trial session would (Part 3, chapter 23): start from zeros and
 * apply the same assertions, e.g. {@code PolicyDigest.start(SHA256).pcr(selection, expected).authValue()}.
 * The result goes into a template's authPolicy; a policy session that runs the same commands on the TPM
 * reaches the same digest. Immutable.
 */
public record PolicyDigest(TpmAlg hash, byte[] digest) {

    public PolicyDigest {
        digest = digest.clone();
        if (hash.digestSize().isEmpty() || digest.length != hash.digestSize().getAsInt()) {
            throw new IllegalArgumentException("a " + hash + " policy digest has " + hash.digestSize() + " bytes, not "
                    + digest.length);
        }
    }

    /** The empty policy: all zeros. */
    public static PolicyDigest start(TpmAlg hash) {
        return new PolicyDigest(hash, new byte[hash.digestSize().orElseThrow(
                () -> new IllegalArgumentException(hash + " is not a hash algorithm"))]);
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** TPM2_PolicyAuthValue: the entity's authValue goes into the command HMAC. */
    public PolicyDigest authValue() {
        return extend(TpmCc.POLICY_AUTH_VALUE, new byte[0]);
    }

    /** TPM2_PolicyPassword: the entity's authValue in clear; the same digest as {@link #authValue()}. */
    public PolicyDigest password() {
        return extend(TpmCc.POLICY_AUTH_VALUE, new byte[0]);
    }

    /** TPM2_PolicyCommandCode. */
    public PolicyDigest commandCode(TpmCc code) {
        return extend(TpmCc.POLICY_COMMAND_CODE, u32(code.value()));
    }

    /** TPM2_PolicyPhysicalPresence. */
    public PolicyDigest physicalPresence() {
        return extend(TpmCc.POLICY_PHYSICAL_PRESENCE, new byte[0]);
    }

    /** TPM2_PolicyLocality with a TPMA_LOCALITY (bit n for locality n below 5, or an extended locality). */
    public PolicyDigest locality(int localityAttributes) {
        return extend(TpmCc.POLICY_LOCALITY, new byte[] {(byte) localityAttributes});
    }

    /** TPM2_PolicyNvWritten. */
    public PolicyDigest nvWritten(boolean written) {
        return extend(TpmCc.POLICY_NV_WRITTEN, new byte[] {(byte) (written ? 1 : 0)});
    }

    /** TPM2_PolicyCpHash. */
    public PolicyDigest cpHash(byte[] cpHashA) {
        return extend(TpmCc.POLICY_CP_HASH, cpHashA);
    }

    /** TPM2_PolicyNameHash. */
    public PolicyDigest nameHash(byte[] nameHash) {
        return extend(TpmCc.POLICY_NAME_HASH, nameHash);
    }

    /** TPM2_PolicyTemplate. */
    public PolicyDigest template(byte[] templateHash) {
        return extend(TpmCc.POLICY_TEMPLATE, templateHash);
    }

    /**
     * TPM2_PolicyPCR over PCR values known in advance, one bank: e.g. the values after a planned update, so
     * a policy can be made before the machine reboots into them. {@code values} maps PCR index to value.
     */
    public PolicyDigest pcr(TpmAlg bank, Map<Integer, byte[]> values) {
        MessageDigest digest = Names.digest(hash);
        int[] pcrs = values.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        for (int pcr : pcrs) {
            digest.update(values.get(pcr));
        }
        return pcrDigest(List.of(PcrSelection.of(bank, pcrs)), digest.digest());
    }

    /** TPM2_PolicyPCR with the digest of the PCR values already computed. */
    public PolicyDigest pcrDigest(List<PcrSelection> selection, byte[] pcrDigest) {
        TpmWriter out = new TpmWriter();
        PcrSelection.writeList(out, selection);
        return extend(TpmCc.POLICY_PCR, new TpmWriter().bytes(out.toByteArray()).bytes(pcrDigest).toByteArray());
    }

    /** TPM2_PolicyCounterTimer. */
    public PolicyDigest counterTimer(byte[] operandB, int offset, TpmEo operation) {
        return extend(TpmCc.POLICY_COUNTER_TIMER, argumentsHash(operandB, offset, operation));
    }

    /** TPM2_PolicyNV against the index named {@code nvName}. */
    public PolicyDigest nv(byte[] operandB, int offset, TpmEo operation, byte[] nvName) {
        return extend(TpmCc.POLICY_NV, new TpmWriter().bytes(argumentsHash(operandB, offset, operation))
                .bytes(nvName).toByteArray());
    }

    /** TPM2_PolicySecret (and a TPM2_PolicyTicket replaying it): the authorising entity's Name and policyRef. */
    public PolicyDigest secret(byte[] authName, byte[] policyRef) {
        return update(TpmCc.POLICY_SECRET, authName, policyRef);
    }

    /** TPM2_PolicySigned (and a TPM2_PolicyTicket replaying it): the signing key's Name and policyRef. */
    public PolicyDigest signed(byte[] keyName, byte[] policyRef) {
        return update(TpmCc.POLICY_SIGNED, keyName, policyRef);
    }

    /** TPM2_PolicyAuthorize: the digest so far is replaced by one naming the approving key and policyRef. */
    public PolicyDigest authorize(byte[] keyName, byte[] policyRef) {
        return start(hash).update(TpmCc.POLICY_AUTHORIZE, keyName, policyRef);
    }

    /** TPM2_PolicyAuthorizeNV: the digest so far is replaced by one naming the NV index. */
    public PolicyDigest authorizeNv(byte[] nvName) {
        return start(hash).extend(TpmCc.POLICY_AUTHORIZE_NV, nvName);
    }

    /** TPM2_PolicyOR: the digest so far must be one of {@code branches}; replaced by one over all of them. */
    public PolicyDigest or(List<PolicyDigest> branches) {
        if (branches.size() < 2 || branches.size() > 8) {
            throw new IllegalArgumentException("PolicyOR takes 2 to 8 branches, not " + branches.size());
        }
        TpmWriter all = new TpmWriter();
        for (PolicyDigest branch : branches) {
            if (branch.hash != hash) {
                throw new IllegalArgumentException("a " + branch.hash + " branch in a " + hash + " PolicyOR");
            }
            all.bytes(branch.digest);
        }
        return start(hash).extend(TpmCc.POLICY_OR, all.toByteArray());
    }

    /** TPM2_PolicyDuplicationSelect. */
    public PolicyDigest duplicationSelect(byte[] objectName, byte[] newParentName, boolean includeObject) {
        TpmWriter args = new TpmWriter();
        if (includeObject) {
            args.bytes(objectName);
        }
        return extend(TpmCc.POLICY_DUPLICATION_SELECT, args.bytes(newParentName).u8(includeObject ? 1 : 0).toByteArray());
    }

    /** policyDigest' = H(policyDigest || code || parameters). */
    private PolicyDigest extend(TpmCc code, byte[] parameters) {
        MessageDigest digest = Names.digest(hash);
        digest.update(this.digest);
        digest.update(u32(code.value()));
        return new PolicyDigest(hash, digest.digest(parameters));
    }

    /** Part 3's PolicyUpdate: H(H(policyDigest || code || name) || policyRef). */
    private PolicyDigest update(TpmCc code, byte[] name, byte[] policyRef) {
        PolicyDigest first = extend(code, name);
        MessageDigest digest = Names.digest(hash);
        digest.update(first.digest);
        return new PolicyDigest(hash, digest.digest(policyRef));
    }

    private byte[] argumentsHash(byte[] operandB, int offset, TpmEo operation) {
        MessageDigest digest = Names.digest(hash);
        digest.update(operandB);
        return digest.digest(new TpmWriter().u16(offset).u16(operation.value()).toByteArray());
    }

    private static byte[] u32(int value) {
        return new TpmWriter(4).u32(value).toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyDigest p && hash == p.hash && Arrays.equals(digest, p.digest);
    }

    @Override
    public int hashCode() {
        return 31 * hash.hashCode() + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return hash + ":" + java.util.HexFormat.of().formatHex(digest);
    }
}
