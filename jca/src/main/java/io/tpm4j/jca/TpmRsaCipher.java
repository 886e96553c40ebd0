package io.tpm4j.jca;

import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.RsaDecrypt;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRc;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import java.util.Locale;

/**
 * RSA/ECB/PKCS1Padding and RSA/ECB/OAEPWithSHA-256AndMGF1Padding. Decryption (and unwrapping) runs in the TPM with
 * a {@link TpmRsaKey}: one TPM2_RSA_Decrypt, the plaintext coming back encrypted in a salted session. Encryption
 * (and wrapping) needs only the public key and is the JDK's. The TPM's OAEP uses MGF1 with SHA-256 and an empty
 * label, so that is this cipher's default (the JDK's own default for this name is MGF1 with SHA-1).
 */
final class TpmRsaCipher extends CipherSpi {

    /** What the TPM's OAEP with SHA-256 is. */
    static final OAEPParameterSpec TPM_OAEP = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
            PSource.PSpecified.DEFAULT);

    private final boolean oaep;
    private final String transformation;
    private int mode;
    private TpmRsaKey key;
    private Cipher publicCipher;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    TpmRsaCipher(boolean oaep) {
        this.oaep = oaep;
        this.transformation = oaep ? "RSA/ECB/OAEPWithSHA-256AndMGF1Padding" : "RSA/ECB/PKCS1Padding";
    }

    @Override
    protected void engineSetMode(String m) throws NoSuchAlgorithmException {
        if (!m.equalsIgnoreCase("ECB") && !m.equalsIgnoreCase("NONE")) {
            throw new NoSuchAlgorithmException("RSA in the TPM has mode ECB, not " + m);
        }
    }

    @Override
    protected void engineSetPadding(String padding) throws NoSuchPaddingException {
        String p = padding.toUpperCase(Locale.ROOT);
        boolean ok = oaep ? p.equals("OAEPWITHSHA-256ANDMGF1PADDING") || p.equals("OAEPPADDING") : p.equals("PKCS1PADDING");
        if (!ok) {
            throw new NoSuchPaddingException("this cipher is " + transformation + ", not padding " + padding);
        }
    }

    @Override
    protected int engineGetBlockSize() {
        return 0;
    }

    @Override
    protected int engineGetOutputSize(int inputLen) {
        return key != null ? key.modulusBytes() : publicCipher != null ? publicCipher.getOutputSize(inputLen) : inputLen;
    }

    @Override
    protected byte[] engineGetIV() {
        return null;
    }

    @Override
    protected AlgorithmParameters engineGetParameters() {
        if (!oaep) {
            return null;
        }
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("OAEP");
            p.init(TPM_OAEP);
            return p;
        } catch (GeneralSecurityException e) {
            throw new ProviderException("cannot encode the OAEP parameters", e);
        }
    }

    @Override
    protected void engineInit(int opmode, Key k, SecureRandom random) throws InvalidKeyException {
        try {
            engineInit(opmode, k, (AlgorithmParameterSpec) null, random);
        } catch (InvalidAlgorithmParameterException e) {
            throw new InvalidKeyException(e.getMessage(), e);
        }
    }

    @Override
    protected void engineInit(int opmode, Key k, AlgorithmParameterSpec params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        checkParameters(params);
        buffer.reset();
        mode = opmode;
        if (opmode == Cipher.DECRYPT_MODE || opmode == Cipher.UNWRAP_MODE) {
            if (!(k instanceof TpmRsaKey tpmKey)) {
                throw new InvalidKeyException("tpm4j decrypts with a TPM RSA key (TpmRsaKey), not "
                        + (k == null ? "null" : k.getClass().getName()));
            }
            key = tpmKey;
            publicCipher = null;
            return;
        }
        RSAPublicKey publicKey = k instanceof TpmRsaKey t ? t.publicKey() : k instanceof RSAPublicKey p ? p : null;
        if (publicKey == null) {
            throw new InvalidKeyException("encrypting needs an RSA public key (or a TpmRsaKey's public half), not "
                    + (k == null ? "null" : k.getClass().getName()));
        }
        try {
            publicCipher = Cipher.getInstance(transformation);
            publicCipher.init(opmode, publicKey, oaep ? TPM_OAEP : null, random);
            key = null;
        } catch (NoSuchAlgorithmException | javax.crypto.NoSuchPaddingException e) {
            throw new InvalidKeyException("no provider encrypts with " + transformation, e);
        }
    }

    private void checkParameters(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
        if (params == null) {
            return;
        }
        if (!oaep || !(params instanceof OAEPParameterSpec spec)) {
            throw new InvalidAlgorithmParameterException(transformation + " takes " + (oaep ? "an OAEPParameterSpec"
                    : "no parameters") + ", not " + params);
        }
        boolean sha256 = spec.getDigestAlgorithm().replace("SHA256", "SHA-256").equalsIgnoreCase("SHA-256");
        boolean mgf = "MGF1".equalsIgnoreCase(spec.getMGFAlgorithm()) && spec.getMGFParameters()
                instanceof MGF1ParameterSpec m && m.getDigestAlgorithm().replace("SHA256", "SHA-256").equalsIgnoreCase("SHA-256");
        boolean noLabel = spec.getPSource() instanceof PSource.PSpecified p && p.getValue().length == 0;
        if (!sha256 || !mgf || !noLabel) {
            throw new InvalidAlgorithmParameterException("the TPM's OAEP is SHA-256 with MGF1(SHA-256) and an empty label; "
                    + "the OAEPParameterSpec asks for " + spec.getDigestAlgorithm() + " with " + spec.getMGFAlgorithm()
                    + "(" + (spec.getMGFParameters() instanceof MGF1ParameterSpec m ? m.getDigestAlgorithm() : "?") + ")"
                    + (noLabel ? "" : " and a label"));
        }
    }

    @Override
    protected void engineInit(int opmode, Key k, AlgorithmParameters params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        try {
            engineInit(opmode, k, params == null ? null : params.getParameterSpec(OAEPParameterSpec.class), random);
        } catch (java.security.spec.InvalidParameterSpecException e) {
            throw new InvalidAlgorithmParameterException("not OAEP parameters: " + params, e);
        }
    }

    @Override
    protected byte[] engineUpdate(byte[] input, int off, int len) {
        if (publicCipher != null) {
            return publicCipher.update(input, off, len);
        }
        buffer.write(input, off, len);
        return new byte[0];
    }

    @Override
    protected int engineUpdate(byte[] input, int off, int len, byte[] output, int outOff) {
        engineUpdate(input, off, len);
        return 0;
    }

    @Override
    protected byte[] engineDoFinal(byte[] input, int off, int len) throws IllegalBlockSizeException, BadPaddingException {
        if (publicCipher != null) {
            return publicCipher.doFinal(input, off, len);
        }
        if (key == null) {
            throw new IllegalStateException("the cipher is not initialised");
        }
        if (input != null) {
            buffer.write(input, off, len);
        }
        byte[] cipherText = buffer.toByteArray();
        buffer.reset();
        return decrypt(cipherText);
    }

    private byte[] decrypt(byte[] cipherText) throws IllegalBlockSizeException, BadPaddingException {
        int k = key.modulusBytes();
        if (cipherText.length > k) {
            throw new IllegalBlockSizeException("RSA ciphertext of " + cipherText.length + " bytes for a " + k * 8
                    + "-bit key");
        }
        byte[] padded = new byte[k];
        System.arraycopy(cipherText, 0, padded, k - cipherText.length, cipherText.length);
        Scheme scheme = oaep ? Scheme.of(TpmAlg.OAEP, TpmAlg.SHA256) : new Scheme(TpmAlg.RSAES.value(), 0, 0);
        try {
            return key.provider().connection().run(key, (loaded, auth) -> new RsaDecrypt(loaded.handle(), auth,
                    padded, scheme, new byte[0])).message();
        } catch (TpmResponseException e) {
            // libtpms answers a bad padding with TPM_RC_FAILURE (and stays usable), the reference code with VALUE.
            if (e.is(TpmRc.VALUE) || e.is(TpmRc.SIZE) || e.is(TpmRc.FAILURE)) {
                BadPaddingException bad = new BadPaddingException("the TPM found no valid " + (oaep ? "OAEP" : "PKCS#1")
                        + " padding: " + e.getMessage());
                bad.initCause(e);
                throw bad;
            }
            throw e;
        } finally {
            Arrays.fill(padded, (byte) 0);
        }
    }

    @Override
    protected int engineDoFinal(byte[] input, int off, int len, byte[] output, int outOff)
            throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
        byte[] out = engineDoFinal(input, off, len);
        if (output.length - outOff < out.length) {
            throw new ShortBufferException("the output needs " + out.length + " bytes");
        }
        System.arraycopy(out, 0, output, outOff, out.length);
        return out.length;
    }

    @Override
    protected byte[] engineWrap(Key k) throws IllegalBlockSizeException, InvalidKeyException {
        if (publicCipher == null) {
            throw new IllegalStateException("wrapping needs WRAP_MODE with a public key");
        }
        return publicCipher.wrap(k);
    }

    @Override
    protected Key engineUnwrap(byte[] wrapped, String algorithm, int type) throws InvalidKeyException,
            NoSuchAlgorithmException {
        if (mode != Cipher.UNWRAP_MODE || key == null) {
            throw new IllegalStateException("unwrapping needs UNWRAP_MODE with a TPM key");
        }
        if (type != Cipher.SECRET_KEY) {
            throw new InvalidKeyException("the TPM unwraps secret keys only");
        }
        try {
            byte[] secret = decrypt(wrapped);
            try {
                return new SecretKeySpec(secret, algorithm);
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
        } catch (IllegalBlockSizeException | BadPaddingException e) {
            throw new InvalidKeyException("cannot unwrap: " + e.getMessage(), e);
        }
    }

    @Override
    protected int engineGetKeySize(Key k) throws InvalidKeyException {
        if (k instanceof java.security.interfaces.RSAKey rsa) {
            return rsa.getModulus().bitLength();
        }
        throw new InvalidKeyException("not an RSA key: " + k);
    }
}
