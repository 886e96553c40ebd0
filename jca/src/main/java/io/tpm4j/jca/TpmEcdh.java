package io.tpm4j.jca;

import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.EcdhZGen;
import io.tpm4j.api.types.PublicId;

import javax.crypto.KeyAgreementSpi;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;

/**
 * ECDH with a TPM EC key: one TPM2_ECDH_ZGen with the peer's public point, in a salted session that brings the
 * shared point back encrypted. The secret is the point's x coordinate in the curve's size, as SunEC gives it.
 */
final class TpmEcdh extends KeyAgreementSpi {

    private TpmEcKey key;
    private byte[] secret;

    @Override
    protected void engineInit(Key k, SecureRandom random) throws InvalidKeyException {
        if (!(k instanceof TpmEcKey tpmKey)) {
            throw new InvalidKeyException("tpm4j's ECDH takes a TPM EC key (TpmEcKey), not "
                    + (k == null ? "null" : k.getClass().getName()));
        }
        key = tpmKey;
        wipe();
    }

    @Override
    protected void engineInit(Key k, AlgorithmParameterSpec params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (params != null) {
            throw new InvalidAlgorithmParameterException("ECDH takes no parameters");
        }
        engineInit(k, random);
    }

    @Override
    protected Key engineDoPhase(Key k, boolean lastPhase) throws InvalidKeyException {
        if (key == null) {
            throw new IllegalStateException("not initialised");
        }
        if (!lastPhase) {
            throw new IllegalStateException("ECDH has one phase only");
        }
        if (!(k instanceof ECPublicKey peer)) {
            throw new InvalidKeyException("the peer's key must be an ECPublicKey, not " + (k == null ? "null" : k.getClass().getName()));
        }
        int size = key.fieldBytes();
        if (!peer.getParams().getCurve().equals(key.getParams().getCurve())) {
            throw new InvalidKeyException("the peer's key is on another curve than the TPM key");
        }
        PublicId.Ecc point = new PublicId.Ecc(fixed(peer.getW().getAffineX(), size), fixed(peer.getW().getAffineY(), size));
        try {
            PublicId.Ecc shared = key.provider().connection().run(key, (loaded, auth) -> new EcdhZGen(
                    loaded.handle(), auth, point)).outPoint();
            secret = fixed(new BigInteger(1, shared.x()), size);
            Arrays.fill(shared.x(), (byte) 0);
        } catch (TpmResponseException e) {
            throw new InvalidKeyException("TPM2_ECDH_ZGen refused the peer's point: " + e.getMessage(), e);
        }
        return null;
    }

    private static byte[] fixed(BigInteger value, int size) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[size];
        int copy = Math.min(raw.length, size);
        System.arraycopy(raw, raw.length - copy, out, size - copy, copy);
        return out;
    }

    @Override
    protected byte[] engineGenerateSecret() {
        if (secret == null) {
            throw new IllegalStateException("doPhase has not been called");
        }
        byte[] out = secret;
        secret = null;
        return out;
    }

    @Override
    protected int engineGenerateSecret(byte[] sharedSecret, int offset) throws ShortBufferException {
        if (secret != null && sharedSecret.length - offset < secret.length) {
            throw new ShortBufferException("the secret needs " + secret.length + " bytes");
        }
        byte[] out = engineGenerateSecret();
        System.arraycopy(out, 0, sharedSecret, offset, out.length);
        Arrays.fill(out, (byte) 0);
        return out.length;
    }

    @Override
    protected SecretKey engineGenerateSecret(String algorithm) {
        byte[] out = engineGenerateSecret();
        try {
            return new SecretKeySpec(out, algorithm);
        } finally {
            Arrays.fill(out, (byte) 0);
        }
    }

    private void wipe() {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
            secret = null;
        }
    }
}
