package io.tpm4j.jca;

import io.tpm4j.api.TpmException;
import io.tpm4j.api.commands.Hash;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Ticket;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;

import java.io.ByteArrayOutputStream;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.OptionalInt;

/**
 * ECDSA, RSASSA-PKCS1-v1_5 and RSASSA-PSS signatures by a TPM key: the message is hashed here and the digest signed
 * with one TPM2_Sign (a restricted key has the TPM hash it first, for the ticket), in a session whose HMAC binds
 * the key's Name. Verification, with an ordinary public key, is the JDK's.
 */
final class TpmSignature extends SignatureSpi {

    enum Kind { ECDSA, RSASSA, RSAPSS }

    /** Messages a restricted key can sign: what one TPM2_Hash takes. */
    private static final int RESTRICTED_MAX = 1024;

    private final Kind kind;
    private final String jcaName;
    /** The digest ("SHA-256"...), or null for NONEwithECDSA and for RSASSA-PSS before its parameters. */
    private String digestName;
    private MessageDigest md;
    private PSSParameterSpec pss;
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();
    private TpmKey key;
    private java.security.Signature verifier;

    TpmSignature(Kind kind, String jcaName, String digestName) {
        this.kind = kind;
        this.jcaName = jcaName;
        this.digestName = digestName;
    }

    @Override
    protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
        boolean fits = kind == Kind.ECDSA ? privateKey instanceof TpmEcKey : privateKey instanceof TpmRsaKey;
        if (!fits) {
            throw new InvalidKeyException("tpm4j's " + jcaName + " signs with a TPM " + (kind == Kind.ECDSA ? "EC" : "RSA")
                    + " key (" + (kind == Kind.ECDSA ? TpmEcKey.class : TpmRsaKey.class).getSimpleName() + "), not "
                    + (privateKey == null ? "null" : privateKey.getClass().getName()));
        }
        TpmKey k = (TpmKey) privateKey;
        if (k.isDestroyed()) {
            throw new InvalidKeyException("the TPM key was destroyed");
        }
        key = k;
        verifier = null;
        reset();
    }

    @Override
    protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
        try {
            java.security.Signature v = java.security.Signature.getInstance(jcaName);
            if (pss != null) {
                v.setParameter(pss);
            }
            v.initVerify(publicKey);
            verifier = v;
            key = null;
        } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
            throw new InvalidKeyException("no provider verifies " + jcaName + " with " + publicKey.getAlgorithm(), e);
        }
    }

    private void reset() {
        message.reset();
        if (md != null) {
            md.reset();
        } else if (digestName != null) {
            md = digest(digestName);
        }
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new ProviderException(name + " is not available", e);
        }
    }

    @Override
    protected void engineUpdate(byte b) throws SignatureException {
        engineUpdate(new byte[] {b}, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
        if (verifier != null) {
            verifier.update(b, off, len);
            return;
        }
        if (key == null) {
            throw new SignatureException("not initialised for signing or verifying");
        }
        if (md == null && kind == Kind.RSAPSS) {
            throw new SignatureException("RSASSA-PSS needs its PSSParameterSpec: call setParameter first");
        }
        if (md != null) {
            md.update(b, off, len);
        }
        if (md == null || restricted()) {
            message.write(b, off, len);
        }
    }

    private boolean restricted() {
        return key.publicArea().attributes().has(ObjectAttributes.RESTRICTED);
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
        if (key == null) {
            throw new SignatureException("not initialised for signing");
        }
        if (md == null && kind == Kind.RSAPSS) {
            throw new SignatureException("RSASSA-PSS needs its PSSParameterSpec: call setParameter first");
        }
        byte[] digest = md != null ? md.digest() : message.toByteArray();
        TpmAlg hash = md != null ? hashOf(digestName) : hashOfLength(digest.length);
        byte[] data = message.toByteArray();
        reset();
        try {
            return signOnce(key.provider().connection(), digest, hash, data);
        } catch (TpmException e) {
            throw new SignatureException("TPM2_Sign with " + key + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * One TPM2_Sign (after TPM2_Hash for a restricted key). Its session's HMAC binds the key's Name, so the TPM
     * signed with this key; only an RSASSA-PSS signature is opened, once per key and hash, to learn the salt length
     * the TPM uses (the TPM does not say, and the caller's PSSParameterSpec must match it).
     */
    private byte[] signOnce(TpmConnection connection, byte[] digest, TpmAlg hash, byte[] data) throws SignatureException {
        Ticket ticket = Sign.nullTicket();
        if (restricted()) {
            if (data.length > RESTRICTED_MAX) {
                throw new SignatureException("a restricted key signs only what the TPM hashed; tpm4j hashes up to "
                        + RESTRICTED_MAX + " bytes in one TPM2_Hash, and this message has " + data.length);
            }
            ticket = connection.tpm().execute(new Hash(data, hash, TpmRh.OWNER)).validation();
        }
        Scheme scheme = Scheme.of(switch (kind) {
            case ECDSA -> TpmAlg.ECDSA;
            case RSASSA -> TpmAlg.RSASSA;
            case RSAPSS -> TpmAlg.RSAPSS;
        }, hash);
        Ticket validation = ticket;
        Signature signed = connection.run(key, (loaded, auth) -> new Sign(loaded.handle(), auth, digest, scheme,
                validation)).signature();
        byte[] encoded = Signatures.toJca(signed);
        if (kind == Kind.RSAPSS) {
            checkSaltLength(digest, encoded);
        }
        return encoded;
    }

    private void checkSaltLength(byte[] digest, byte[] encoded) throws SignatureException {
        TpmRsaKey rsa = (TpmRsaKey) key;
        OptionalInt salt = rsa.pssSaltLength(digestName,
                () -> SignatureCheck.pssSaltLength(rsa.publicKey(), digestName, digest, encoded));
        if (salt.isEmpty()) {
            throw new SignatureException("the TPM's RSASSA-PSS signature does not verify with " + key + "'s public half");
        }
        if (salt.getAsInt() != pss.getSaltLength()) {
            throw new SignatureException("the TPM makes RSASSA-PSS signatures with a " + salt.getAsInt() + "-byte salt for "
                    + digestName + " with this key, and the PSSParameterSpec asks for " + pss.getSaltLength()
                    + ": use new PSSParameterSpec(\"" + digestName + "\", \"MGF1\", new MGF1ParameterSpec(\"" + digestName
                    + "\"), " + salt.getAsInt() + ", 1)");
        }
    }

    private static TpmAlg hashOf(String digestName) {
        return switch (digestName) {
            case "SHA-256" -> TpmAlg.SHA256;
            case "SHA-384" -> TpmAlg.SHA384;
            case "SHA-512" -> TpmAlg.SHA512;
            default -> throw new ProviderException("no TPM hash for " + digestName);
        };
    }

    /** NONEwithECDSA: the TPM signs a digest as long as the scheme's hash, so the length names the hash. */
    private static TpmAlg hashOfLength(int length) throws SignatureException {
        return switch (length) {
            case 32 -> TpmAlg.SHA256;
            case 48 -> TpmAlg.SHA384;
            case 64 -> TpmAlg.SHA512;
            default -> throw new SignatureException("NONEwithECDSA in the TPM signs digests of 32, 48 or 64 bytes "
                    + "(SHA-256, -384, -512), not " + length);
        };
    }

    @Override
    protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
        if (verifier == null) {
            throw new SignatureException("not initialised for verifying");
        }
        return verifier.verify(sigBytes);
    }

    @Override
    protected void engineSetParameter(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
        if (kind != Kind.RSAPSS) {
            if (params != null) {
                throw new InvalidAlgorithmParameterException(jcaName + " takes no parameters");
            }
            return;
        }
        if (!(params instanceof PSSParameterSpec spec)) {
            throw new InvalidAlgorithmParameterException("RSASSA-PSS takes a PSSParameterSpec, not " + params);
        }
        String digest = spec.getDigestAlgorithm().toUpperCase(java.util.Locale.ROOT).replace("SHA256", "SHA-256")
                .replace("SHA384", "SHA-384").replace("SHA512", "SHA-512");
        if (!digest.equals("SHA-256") && !digest.equals("SHA-384") && !digest.equals("SHA-512")) {
            throw new InvalidAlgorithmParameterException("the TPM signs RSASSA-PSS with SHA-256, -384 or -512, not "
                    + spec.getDigestAlgorithm());
        }
        if (!"MGF1".equalsIgnoreCase(spec.getMGFAlgorithm()) || !(spec.getMGFParameters() instanceof MGF1ParameterSpec mgf)
                || !digest.equals(mgf.getDigestAlgorithm().toUpperCase(java.util.Locale.ROOT).replace("SHA256", "SHA-256")
                .replace("SHA384", "SHA-384").replace("SHA512", "SHA-512"))) {
            throw new InvalidAlgorithmParameterException("the TPM's RSASSA-PSS uses MGF1 with the message digest ("
                    + digest + "); the PSSParameterSpec asks for " + spec.getMGFAlgorithm() + " " + spec.getMGFParameters());
        }
        if (spec.getTrailerField() != 1) {
            throw new InvalidAlgorithmParameterException("the TPM's RSASSA-PSS uses trailer field 1, not "
                    + spec.getTrailerField());
        }
        pss = spec;
        digestName = digest;
        md = digest(digest);
        message.reset();
        if (verifier != null) {
            verifier.setParameter(spec);
        }
    }

    @Override
    protected AlgorithmParameters engineGetParameters() {
        if (pss == null) {
            return null;
        }
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("RSASSA-PSS");
            p.init(pss);
            return p;
        } catch (GeneralSecurityException e) {
            throw new ProviderException("cannot encode the PSS parameters", e);
        }
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {
        throw new InvalidParameterException("use setParameter(AlgorithmParameterSpec)");
    }

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
        throw new InvalidParameterException("use getParameters()");
    }
}
