package io.tpm4j.api.keys;

import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Sensitive;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmAlg;

import javax.crypto.SecretKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Objects;

/**
 * A key made outside the TPM, in the form the TPM takes it: its public area and its sensitive area (TPMT_SENSITIVE).
 * Wrap it for a parent with {@link Duplicates}, or load it in clear with TPM2_LoadExternal.
 *
 * <p>The public areas made from JCA keys have nameAlg SHA-256, userWithAuth and an empty authValue (see
 * {@link #withAuthValue}); fixedTPM, fixedParent and sensitiveDataOrigin are clear, since the key was born outside.
 * RSA and EC keys sign (RSASSA, ECDSA) with the hash that fits their size, keyed-hash keys do HMAC-SHA-256, AES keys
 * encrypt and decrypt in CFB mode. {@link #withAttributes} and {@link #withAuthPolicy} change that.
 */
public record SoftwareKey(PublicArea publicArea, Sensitive sensitive) {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** MAX_SYM_DATA: the largest keyed-hash key a TPM holds. */
    static final int MAX_HMAC_KEY_BYTES = 128;

    public SoftwareKey {
        Objects.requireNonNull(publicArea, "publicArea");
        Objects.requireNonNull(sensitive, "sensitive");
        if (publicArea.type() != sensitive.type()) {
            throw new IllegalArgumentException("a " + sensitive.type() + " sensitive area for a " + publicArea.type()
                    + " public area");
        }
    }

    /** An RSA or EC key pair (an RSA private key must have its CRT factors, as the JDK's and PEM files' do). */
    public static SoftwareKey of(KeyPair pair) {
        return of(pair.getPrivate(), pair.getPublic());
    }

    /**
     * An RSA or EC private key with its public key.
     *
     * @throws IllegalArgumentException when the two do not belong together, or the key is of a kind the TPM cannot take
     */
    public static SoftwareKey of(PrivateKey privateKey, PublicKey publicKey) {
        return switch (privateKey) {
            case RSAPrivateCrtKey rsa when publicKey instanceof RSAPublicKey pub -> {
                if (!rsa.getModulus().equals(pub.getModulus()) || !rsa.getPublicExponent().equals(pub.getPublicExponent())) {
                    throw new IllegalArgumentException("the RSA public key is not the private key's");
                }
                PublicArea area = signingArea(pub, pub.getModulus().bitLength() > 2048 ? TpmAlg.SHA384 : TpmAlg.SHA256);
                int primeBytes = ((PublicParameters.Rsa) area.parameters()).keyBits() / 16;
                yield new SoftwareKey(area, new Sensitive(TpmAlg.RSA, new byte[0], new byte[0],
                        unsigned(rsa.getPrimeP(), primeBytes)));
            }
            case ECPrivateKey ec when publicKey instanceof ECPublicKey pub -> {
                checkPair(privateKey, publicKey);
                int bytes = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
                TpmAlg hash = bytes <= 32 ? TpmAlg.SHA256 : bytes <= 48 ? TpmAlg.SHA384 : TpmAlg.SHA512;
                yield new SoftwareKey(signingArea(pub, hash), new Sensitive(TpmAlg.ECC, new byte[0], new byte[0],
                        unsigned(ec.getS(), bytes)));
            }
            case RSAPrivateCrtKey rsa -> throw new IllegalArgumentException("an RSA private key with a "
                    + publicKey.getAlgorithm() + " public key");
            case ECPrivateKey ec -> throw new IllegalArgumentException("an EC private key with a "
                    + publicKey.getAlgorithm() + " public key");
            default -> throw new IllegalArgumentException("a " + privateKey.getAlgorithm() + " private key ("
                    + privateKey.getClass().getSimpleName() + "): only RSA with CRT factors and EC keys can go to a TPM");
        };
    }

    /** An RSA private key with its CRT factors, whose public key it carries. */
    public static SoftwareKey of(RSAPrivateCrtKey privateKey) {
        try {
            PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(privateKey.getModulus(),
                    privateKey.getPublicExponent()));
            return of(privateKey, pub);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a valid RSA key: " + e.getMessage(), e);
        }
    }

    /**
     * A secret key: AES (128, 192 or 256 bits) becomes a CFB symmetric key that encrypts and decrypts; an HMAC key
     * ({@code HmacSHA256} and friends, or any raw key up to 128 bytes) a keyed-hash key for HMAC with the hash its
     * algorithm names (SHA-256 when it names none).
     */
    public static SoftwareKey of(SecretKey key) {
        byte[] bits = key.getEncoded();
        if (bits == null || bits.length == 0) {
            throw new IllegalArgumentException("the " + key.getAlgorithm() + " key does not give out its bits");
        }
        String algorithm = key.getAlgorithm().toUpperCase(java.util.Locale.ROOT);
        if (algorithm.equals("AES")) {
            if (bits.length != 16 && bits.length != 24 && bits.length != 32) {
                throw new IllegalArgumentException("an AES key of " + bits.length * 8 + " bits");
            }
            PublicArea template = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.USER_WITH_AUTH,
                    ObjectAttributes.DECRYPT, ObjectAttributes.SIGN_ENCRYPT), new byte[0], new PublicParameters.SymCipher(
                    new SymmetricDefinition(TpmAlg.AES.value(), bits.length * 8, TpmAlg.CFB.value())),
                    new PublicId.Digest(new byte[0]));
            return obfuscated(template, TpmAlg.SYMCIPHER, bits);
        }
        if (bits.length > MAX_HMAC_KEY_BYTES) {
            throw new IllegalArgumentException("an HMAC key of " + bits.length + " bytes; a TPM holds at most "
                    + MAX_HMAC_KEY_BYTES);
        }
        TpmAlg hash = algorithm.endsWith("SHA384") ? TpmAlg.SHA384 : algorithm.endsWith("SHA512") ? TpmAlg.SHA512
                : algorithm.endsWith("SHA1") ? TpmAlg.SHA1 : TpmAlg.SHA256;
        PublicArea template = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.USER_WITH_AUTH,
                ObjectAttributes.SIGN_ENCRYPT), new byte[0], new PublicParameters.KeyedHash(Scheme.of(TpmAlg.HMAC, hash)),
                new PublicId.Digest(new byte[0]));
        return obfuscated(template, TpmAlg.KEYEDHASH, bits);
    }

    /** This key with {@code authValue} (a password's bytes, say) as the authorisation of its USER role. */
    public SoftwareKey withAuthValue(byte[] authValue) {
        int max = publicArea.nameAlg().digestSize().orElseThrow();
        if (authValue.length > max) {
            throw new IllegalArgumentException("an authValue of " + authValue.length + " bytes; nameAlg "
                    + publicArea.nameAlg() + " allows at most " + max);
        }
        return new SoftwareKey(publicArea, sensitive.withAuthValue(authValue));
    }

    /** {@link #withAuthValue(byte[])} with a password's UTF-8 bytes. */
    public SoftwareKey withPassword(String password) {
        return withAuthValue(password.getBytes(StandardCharsets.UTF_8));
    }

    /** This key with other object attributes (the public area's unique part does not depend on them). */
    public SoftwareKey withAttributes(ObjectAttributes attributes) {
        return new SoftwareKey(new PublicArea(publicArea.nameAlg(), attributes, publicArea.authPolicy(),
                publicArea.parameters(), publicArea.unique()), sensitive);
    }

    /** This key with an authorisation policy (a {@code PolicyDigest}'s digest, in the nameAlg's size). */
    public SoftwareKey withAuthPolicy(byte[] authPolicy) {
        return new SoftwareKey(new PublicArea(publicArea.nameAlg(), publicArea.attributes(), authPolicy,
                publicArea.parameters(), publicArea.unique()), sensitive);
    }

    /** The key's Name: what the wrapper binds it to and the TPM reports once it is loaded. */
    public byte[] name() {
        return publicArea.name();
    }

    /** Never shows the secrets. */
    @Override
    public String toString() {
        return "SoftwareKey[" + publicArea + ", " + sensitive + "]";
    }

    private static PublicArea signingArea(PublicKey key, TpmAlg hash) {
        return PublicKeys.toPublicArea(key, hash);
    }

    /**
     * A keyed-hash or symmetric key: a fresh obfuscation value of the nameAlg's size, and the unique field the TPM
     * checks, H_nameAlg(seedValue || key).
     */
    private static SoftwareKey obfuscated(PublicArea template, TpmAlg type, byte[] bits) {
        byte[] seed = new byte[template.nameAlg().digestSize().orElseThrow()];
        RANDOM.nextBytes(seed);
        var digest = Names.digest(template.nameAlg());
        digest.update(seed);
        byte[] unique = digest.digest(bits);
        return new SoftwareKey(new PublicArea(template.nameAlg(), template.attributes(), new byte[0],
                template.parameters(), new PublicId.Digest(unique)), new Sensitive(type, new byte[0], seed, bits));
    }

    /** An EC private and public key belong together when what one signs, the other verifies. */
    private static void checkPair(PrivateKey privateKey, PublicKey publicKey) {
        try {
            byte[] probe = "tpm4j key pair check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(publicKey);
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException("the EC public key is not the private key's");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a usable EC key pair: " + e.getMessage(), e);
        }
    }

    private static byte[] unsigned(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        int start = raw.length > 1 && raw[0] == 0 ? 1 : 0;
        if (raw.length - start > length) {
            throw new IllegalArgumentException("a key value of " + (raw.length - start) + " bytes where " + length
                    + " fit");
        }
        byte[] out = new byte[length];
        System.arraycopy(raw, start, out, length - (raw.length - start), raw.length - start);
        return out;
    }
}
