package io.tpm4j.api.policy;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TpmAlg;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;

/**
 * The key that approves policies, on the signing side (offline, or wherever the key lives): a JCA key pair, or a
 * signing key loaded in a TPM. Objects are sealed to {@link #authorizedPolicy}; {@link #approve} signs a policy for
 * them. aHash is hashed with the authority's nameAlg (as TPM2_PolicyAuthorize computes it) and signed with the
 * same hash, so the TPM's TPM2_VerifySignature accepts the signature for it.
 */
public final class PolicyAuthority {

    private final PublicArea publicArea;

    /** Signs aHash = H(message): a JCA signature hashes the message itself, the TPM signs the digest. */
    private interface Signer {
        Signature sign(byte[] message, byte[] aHash);
    }

    private final Signer signer;

    private PolicyAuthority(PublicArea publicArea, Signer signer) {
        this.publicArea = publicArea;
        this.signer = signer;
    }

    /**
     * A JCA key pair (EC on P-256, P-384 or P-521, or RSA), signing with SHA-256 (ECDSA or RSASSA-PKCS1-v1_5). Its
     * public area is {@link PublicKeys#toPublicArea}'s, nameAlg SHA-256: the TPM loads it with TPM2_LoadExternal.
     */
    public static PolicyAuthority of(KeyPair keys) {
        Objects.requireNonNull(keys, "keys");
        PublicArea area = PublicKeys.toPublicArea(keys.getPublic(), TpmAlg.SHA256);
        return new PolicyAuthority(area, (message, aHash) -> {
            try {
                java.security.Signature jca = java.security.Signature.getInstance(
                        keys.getPublic() instanceof ECPublicKey ? "SHA256withECDSA" : "SHA256withRSA");
                jca.initSign(keys.getPrivate());
                jca.update(message);
                byte[] signed = jca.sign();
                if (keys.getPublic() instanceof ECPublicKey ec) {
                    int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
                    return Signatures.fromJcaEcdsa(signed, TpmAlg.SHA256, size);
                }
                return new Signature.Rsa(TpmAlg.RSASSA.value(), TpmAlg.SHA256.value(), signed);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot sign with the " + keys.getPrivate().getAlgorithm()
                        + " key: " + e.getMessage(), e);
            }
        });
    }

    /**
     * A signing key loaded in {@code tpm} (unrestricted, its authValue empty), signing with its own scheme through
     * TPM2_Sign; the scheme's hash must be the key's nameAlg, which is what aHash is hashed with.
     */
    public static PolicyAuthority inTpm(Tpm tpm, TpmObject key) {
        PublicArea area = key.publicArea();
        Scheme scheme = switch (area.parameters()) {
            case PublicParameters.Rsa rsa -> rsa.scheme();
            case PublicParameters.Ecc ecc -> ecc.scheme();
            default -> throw new IllegalArgumentException("an authority is an RSA or ECC key, not " + area.type());
        };
        if (!area.attributes().has(ObjectAttributes.SIGN_ENCRYPT) || area.attributes().has(ObjectAttributes.RESTRICTED)
                || area.attributes().has(ObjectAttributes.DECRYPT)) {
            throw new IllegalArgumentException("an authority in the TPM is an unrestricted signing key: " + area);
        }
        if (scheme.isNull() || scheme.hashAlg() != area.nameAlg().value()) {
            throw new IllegalArgumentException("the key's scheme " + scheme + " must be a signing scheme with its "
                    + "nameAlg " + area.nameAlg() + " as hash: aHash is a " + area.nameAlg() + " digest");
        }
        return new PolicyAuthority(area, (message, aHash) -> tpm.sign(key, aHash));
    }

    /** The public area the TPM loads to check approvals, and whose Name the sealed objects' policies hold. */
    public PublicArea publicArea() {
        return publicArea;
    }

    /** The authority's Name (nameAlg || H(public area)). */
    public byte[] name() {
        return publicArea.name();
    }

    /**
     * The policy to seal to: TPM2_PolicyAuthorize by this authority with {@code policyRef}, in {@code hash} (the
     * sealed object's nameAlg). Any policy this authority approves for {@code policyRef} then unseals it.
     */
    public PolicyDigest authorizedPolicy(TpmAlg hash, byte[] policyRef) {
        return PolicyDigest.start(hash).authorize(name(), policyRef);
    }

    /**
     * Signs an approval of {@code policy} for {@code policyRef}: the signature over aHash = H(policy || policyRef),
     * with the authority's public area. Offline for a JCA key; one TPM2_Sign for a key in a TPM.
     */
    public Approval approve(PolicyDigest policy, byte[] policyRef) {
        Approval.checkPolicyRef(policyRef);
        byte[] message = Approval.signedMessage(policy, policyRef);
        Signature signature = signer.sign(message, Names.digest(publicArea.nameAlg()).digest(message));
        return new Approval(policy, policyRef, publicArea, signature);
    }

    @Override
    public String toString() {
        return "PolicyAuthority[" + publicArea + "]";
    }
}
