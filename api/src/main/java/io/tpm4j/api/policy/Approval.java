package io.tpm4j.api.policy;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A signed approval of a policy (Part 3, TPM2_PolicyAuthorize): the authority whose public area is {@code authority}
 * signed aHash = H<sub>nameAlg</sub>(approvedPolicy || policyRef), nameAlg being the authority's. An object sealed to
 * {@link #authorizedPolicy()} — {@code PolicyDigest.authorize(authority's Name, policyRef)} — unseals in any state
 * whose policy session reaches {@code approvedPolicy}, once the TPM has checked this signature.
 *
 * <p>{@link #toBytes()} is the approval as it travels from the authority to the machines (all big-endian, TPM
 * marshalling):
 * <pre>
 *   magic           4 bytes  "TPAP"
 *   version         u16      1
 *   approvedPolicy  TPMT_HA        the policy's hash algorithm and digest
 *   policyRef       TPM2B_NONCE    at most 64 bytes
 *   authority       TPM2B_PUBLIC   the signing key's public area (its Name is computed from it)
 *   signature       TPMT_SIGNATURE over aHash
 * </pre>
 * at most {@link #MAX_BYTES} bytes in all, nothing after the signature.
 */
public record Approval(PolicyDigest approvedPolicy, byte[] policyRef, PublicArea authority, Signature signature) {

    /** "TPAP": what {@link #parse} expects first. */
    static final byte[] MAGIC = {'T', 'P', 'A', 'P'};
    static final int VERSION = 1;
    /** A policyRef is a TPM2B_NONCE: no longer than the largest digest. */
    public static final int MAX_POLICY_REF = 64;
    /** Far more than an RSA-4096 authority with its signature needs. */
    public static final int MAX_BYTES = 4096;

    public Approval {
        Objects.requireNonNull(approvedPolicy, "approvedPolicy");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(signature, "signature");
        policyRef = checkPolicyRef(policyRef).clone();
        if (authority.nameAlg().digestSize().isEmpty()) {
            throw new IllegalArgumentException("the authority's nameAlg " + authority.nameAlg() + " is not a hash");
        }
        if (authority.type() != TpmAlg.RSA && authority.type() != TpmAlg.ECC) {
            throw new IllegalArgumentException("an authority is an RSA or ECC key, not " + authority.type());
        }
        if (!(signature instanceof Signature.Rsa || signature instanceof Signature.Ecc)) {
            throw new IllegalArgumentException("an approval carries an RSA or ECC signature, not "
                    + TpmAlg.describe(signature.sigAlg()));
        }
    }

    @Override
    public byte[] policyRef() {
        return policyRef.clone();
    }

    /** The authority's Name: what PolicyAuthorize's keySign and the sealed object's policy name. */
    public byte[] authorityName() {
        return authority.name();
    }

    /** What the authority signed: H(approvedPolicy || policyRef) with the authority's nameAlg, as the TPM computes it. */
    public byte[] aHash() {
        return Names.digest(authority.nameAlg()).digest(signedMessage(approvedPolicy, policyRef));
    }

    /** approvedPolicy || policyRef: what aHash is the digest of. */
    static byte[] signedMessage(PolicyDigest approvedPolicy, byte[] policyRef) {
        byte[] policy = approvedPolicy.digest();
        byte[] message = Arrays.copyOf(policy, policy.length + policyRef.length);
        System.arraycopy(policyRef, 0, message, policy.length, policyRef.length);
        return message;
    }

    static byte[] checkPolicyRef(byte[] policyRef) {
        if (policyRef.length > MAX_POLICY_REF) {
            throw new IllegalArgumentException("a policyRef has at most " + MAX_POLICY_REF + " bytes, not "
                    + policyRef.length);
        }
        return policyRef;
    }

    /** The policy an object is sealed to so that this approval (and any later one by the same authority and policyRef) unseals it. */
    public PolicyDigest authorizedPolicy() {
        return PolicyDigest.start(approvedPolicy.hash()).authorize(authorityName(), policyRef);
    }

    /**
     * Whether the signature verifies with the authority's public key, checked in Java: a machine can refuse a
     * damaged approval before it asks the TPM. The TPM's own check ({@link SignedPolicies#verify}) is the one that counts.
     */
    public boolean signatureVerifies() {
        try {
            return Signatures.verify(PublicKeys.toPublicKey(authority), signature, signedMessage(approvedPolicy, policyRef));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The serialized form described above. */
    public byte[] toBytes() {
        TpmWriter out = new TpmWriter(512).bytes(MAGIC).u16(VERSION);
        new TaggedDigest(approvedPolicy.hash(), approvedPolicy.digest()).write(out);
        out.tpm2b(policyRef);
        authority.writeSized(out);
        signature.write(out);
        return out.toByteArray();
    }

    /**
     * Reads {@link #toBytes()}'s form, checking every length against what is left and against the limits above.
     *
     * @throws IllegalArgumentException naming the field and offset that is wrong
     */
    public static Approval parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("an approval has at most " + MAX_BYTES + " bytes, not " + bytes.length);
        }
        TpmReader in = new TpmReader(bytes);
        try {
            byte[] magic = in.bytes(MAGIC.length, "magic");
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("not an approval: it starts with " + HexFormat.of().formatHex(magic)
                        + ", not \"TPAP\"");
            }
            int version = in.u16("version");
            if (version != VERSION) {
                throw new IllegalArgumentException("approval version " + version + " is not supported (only "
                        + VERSION + ")");
            }
            TaggedDigest policy = TaggedDigest.read(in);
            byte[] policyRef = in.tpm2b(MAX_POLICY_REF, "policyRef");
            PublicArea authority = PublicArea.readSized(in);
            Signature signature = Signature.read(in);
            in.expectEnd("approval");
            return new Approval(new PolicyDigest(policy.hashAlg(), policy.digest()), policyRef, authority, signature);
        } catch (TpmProtocolException e) {
            throw new IllegalArgumentException("malformed approval: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Approval a && approvedPolicy.equals(a.approvedPolicy) && Arrays.equals(policyRef, a.policyRef)
                && authority.equals(a.authority) && signature.equals(a.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(approvedPolicy, Arrays.hashCode(policyRef), authority, signature);
    }

    @Override
    public String toString() {
        return "Approval[" + approvedPolicy + ", policyRef " + HexFormat.of().formatHex(policyRef) + ", by "
                + HexFormat.of().formatHex(authorityName()) + "]";
    }
}
