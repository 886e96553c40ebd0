package io.tpm4j.jca;

import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;

import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a tpm4j {@code KeyPairGenerator} or {@code KeyGenerator} makes: the curve or modulus size, the parent, a
 * password, a policy, and the key's restricted / decrypt / sign attributes. Made with {@link #ec}, {@link #rsa} or
 * {@link #hmac} and the builder's setters. By default a key signs and decrypts (decrypt is what ECDH and RSA
 * decryption need), is not restricted, lives under the storage root key and has no password.
 */
public final class TpmKeyGenParameterSpec implements AlgorithmParameterSpec {

    /** The kind of key. */
    public enum Kind { EC, RSA, HMAC }

    private final Kind kind;
    private final int curveId;
    private final int keyBits;
    private final TpmParent parent;
    private final char[] password;
    private final byte[] policyDigest;
    private final TpmPolicy policy;
    private final boolean restricted;
    private final boolean decrypt;
    private final boolean sign;

    private TpmKeyGenParameterSpec(Builder b) {
        this.kind = b.kind;
        this.curveId = b.curveId;
        this.keyBits = b.keyBits;
        this.parent = b.parent;
        this.password = b.password.clone();
        this.policyDigest = b.policyDigest.clone();
        this.policy = b.policy;
        this.restricted = b.restricted;
        this.decrypt = b.decrypt;
        this.sign = b.sign;
    }

    /** An ECC key on {@code curve}: "P-256" / "secp256r1" or "P-384" / "secp384r1". */
    public static Builder ec(String curve) {
        int id = switch (Objects.requireNonNull(curve, "curve").toLowerCase(Locale.ROOT)) {
            case "p-256", "secp256r1", "prime256v1", "nist p-256" -> Templates.ECC_NIST_P256;
            case "p-384", "secp384r1", "nist p-384" -> Templates.ECC_NIST_P384;
            default -> throw new IllegalArgumentException("curve '" + curve + "' is not supported: use P-256 or P-384");
        };
        return new Builder(Kind.EC, id, id == Templates.ECC_NIST_P256 ? 256 : 384);
    }

    /** An RSA key of 2048 or 3072 bits, exponent 65537. */
    public static Builder rsa(int bits) {
        if (bits != 2048 && bits != 3072) {
            throw new IllegalArgumentException("RSA keys of " + bits + " bits are not supported: use 2048 or 3072");
        }
        return new Builder(Kind.RSA, 0, bits);
    }

    /** An HMAC-SHA-256 key, generated in the TPM. */
    public static Builder hmac() {
        return new Builder(Kind.HMAC, 0, 256).decrypt(false);
    }

    public Kind kind() {
        return kind;
    }

    /** The key size: the curve's bits, the modulus's bits, or 256 for HMAC. */
    public int keyBits() {
        return keyBits;
    }

    public TpmParent parent() {
        return parent;
    }

    /** A copy of the password (empty for none); wipe it after use. */
    public char[] password() {
        return password.clone();
    }

    public Optional<TpmPolicy> policy() {
        return Optional.ofNullable(policy);
    }

    public byte[] policyDigest() {
        return policyDigest.clone();
    }

    public boolean restricted() {
        return restricted;
    }

    public boolean decrypt() {
        return decrypt;
    }

    public boolean sign() {
        return sign;
    }

    /**
     * The TPM2_Create template. A key that both signs and decrypts has no scheme of its own (each operation names
     * one); a restricted signing key is bound to ECDSA or RSASSA with SHA-256; a restricted decryption key is a
     * storage key (AES-128-CFB), usable as a {@link TpmParent}. With a policy, userWithAuth is cleared: the key is
     * usable only through the policy. A key without a password has nothing to guess, so it is noDA: a failed HMAC
     * check on it (the provider's Name binding meeting another object at a reused handle) never counts against the
     * TPM's dictionary-attack lockout.
     */
    PublicArea template() {
        int attributes = ObjectAttributes.FIXED_TPM | ObjectAttributes.FIXED_PARENT
                | (password.length == 0 && policy == null ? ObjectAttributes.NO_DA : 0)
                | ObjectAttributes.SENSITIVE_DATA_ORIGIN | (policy == null ? ObjectAttributes.USER_WITH_AUTH : 0)
                | (restricted ? ObjectAttributes.RESTRICTED : 0) | (decrypt ? ObjectAttributes.DECRYPT : 0)
                | (sign ? ObjectAttributes.SIGN_ENCRYPT : 0);
        ObjectAttributes attrs = new ObjectAttributes(attributes);
        SymmetricDefinition symmetric = restricted && decrypt ? SymmetricDefinition.AES_128_CFB : SymmetricDefinition.NULL;
        return switch (kind) {
            case EC -> new PublicArea(TpmAlg.SHA256, attrs, policyDigest, new PublicParameters.Ecc(symmetric,
                    restricted && sign ? Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256) : Scheme.NULL, curveId, Scheme.NULL),
                    new PublicId.Ecc(new byte[0], new byte[0]));
            case RSA -> new PublicArea(TpmAlg.SHA256, attrs, policyDigest, new PublicParameters.Rsa(symmetric,
                    restricted && sign ? Scheme.of(TpmAlg.RSASSA, TpmAlg.SHA256) : Scheme.NULL, keyBits, 0),
                    new PublicId.Rsa(new byte[0]));
            case HMAC -> new PublicArea(TpmAlg.SHA256, attrs, policyDigest,
                    new PublicParameters.KeyedHash(Scheme.of(TpmAlg.HMAC, TpmAlg.SHA256)), new PublicId.Digest(new byte[0]));
        };
    }

    @Override
    public String toString() {
        return "TpmKeyGenParameterSpec[" + kind + " " + keyBits + ", parent " + parent + (password.length > 0
                ? ", password" : "") + (policy != null ? ", policy" : "") + (restricted ? ", restricted" : "")
                + (decrypt ? ", decrypt" : "") + (sign ? ", sign" : "") + "]";
    }

    /** Builds a {@link TpmKeyGenParameterSpec}. */
    public static final class Builder {
        private final Kind kind;
        private final int curveId;
        private final int keyBits;
        private TpmParent parent = TpmParent.storageRootKey();
        private char[] password = new char[0];
        private byte[] policyDigest = new byte[0];
        private TpmPolicy policy;
        private boolean restricted;
        private boolean decrypt = true;
        private boolean sign = true;

        private Builder(Kind kind, int curveId, int keyBits) {
            this.kind = kind;
            this.curveId = curveId;
            this.keyBits = keyBits;
        }

        public Builder parent(TpmParent value) {
            parent = Objects.requireNonNull(value, "parent");
            return this;
        }

        /** The key's password (copied; wipe yours). It reaches the TPM encrypted, in a salted session. */
        public Builder password(char[] value) {
            password = Objects.requireNonNull(value, "password").clone();
            return this;
        }

        /**
         * A policy: {@code digest} is the key's authPolicy (SHA-256, as a trial session computes it), {@code
         * satisfy} runs it before each use.
         */
        public Builder policy(byte[] digest, TpmPolicy satisfy) {
            if (Objects.requireNonNull(digest, "digest").length != 32) {
                throw new IllegalArgumentException("a SHA-256 policy digest has 32 bytes, not " + digest.length);
            }
            policyDigest = digest.clone();
            policy = Objects.requireNonNull(satisfy, "satisfy");
            return this;
        }

        public Builder restricted(boolean value) {
            restricted = value;
            return this;
        }

        public Builder decrypt(boolean value) {
            decrypt = value;
            return this;
        }

        public Builder sign(boolean value) {
            sign = value;
            return this;
        }

        /**
         * @throws IllegalArgumentException for attributes the TPM refuses: neither sign nor decrypt, a restricted
         *                                  key that does both, a restricted or decrypting HMAC key
         */
        public TpmKeyGenParameterSpec build() {
            if (!sign && !decrypt) {
                throw new IllegalArgumentException("a key must sign, decrypt, or both");
            }
            if (restricted && sign && decrypt) {
                throw new IllegalArgumentException("a restricted key either signs or decrypts, not both");
            }
            if (kind == Kind.HMAC && (restricted || decrypt)) {
                throw new IllegalArgumentException("an HMAC key signs only and is not restricted");
            }
            TpmKeyGenParameterSpec spec = new TpmKeyGenParameterSpec(this);
            Arrays.fill(password, '\0');
            return spec;
        }
    }
}
