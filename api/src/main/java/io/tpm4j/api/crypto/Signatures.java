package io.tpm4j.api.crypto;

import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TpmAlg;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.PublicKey;

/** TPMT_SIGNATURE as the bytes {@code java.security.Signature} expects. */
public final class Signatures {

    private Signatures() {
    }

    /**
     * The JCA encoding: DER {@code SEQUENCE { INTEGER r, INTEGER s }} for ECDSA, the raw signature for RSASSA
     * and RSA-PSS (verify PSS with the maximum salt length a TPM uses).
     */
    public static byte[] toJca(Signature signature) {
        return switch (signature) {
            case Signature.Ecc ecc when ecc.sigAlg() == TpmAlg.ECDSA.value() -> derSequence(
                    derInteger(new BigInteger(1, ecc.r())), derInteger(new BigInteger(1, ecc.s())));
            case Signature.Rsa rsa -> rsa.signature();
            default -> throw new IllegalArgumentException(TpmAlg.describe(signature.sigAlg())
                    + " signatures have no JCA encoding");
        };
    }

    /** The JCA algorithm name that verifies {@code signature} over the message (e.g. SHA256withECDSA). */
    public static String jcaAlgorithm(Signature signature) {
        int hash = switch (signature) {
            case Signature.Ecc ecc -> ecc.hashAlg();
            case Signature.Rsa rsa -> rsa.hashAlg();
            default -> throw new IllegalArgumentException("no JCA algorithm for " + signature);
        };
        String digest = switch (TpmAlg.of(hash).orElse(TpmAlg.NULL)) {
            case SHA1 -> "SHA1";
            case SHA256 -> "SHA256";
            case SHA384 -> "SHA384";
            case SHA512 -> "SHA512";
            default -> throw new IllegalArgumentException("no JCA digest for " + TpmAlg.describe(hash));
        };
        return switch (TpmAlg.of(signature.sigAlg()).orElse(TpmAlg.NULL)) {
            case ECDSA -> digest + "withECDSA";
            case RSASSA -> digest + "withRSA";
            case RSAPSS -> "RSASSA-PSS";
            default -> throw new IllegalArgumentException("no JCA algorithm for " + TpmAlg.describe(signature.sigAlg()));
        };
    }

    /**
     * Verifies a TPM signature over {@code message} with JCA alone. RSA-PSS signatures are tried with the
     * maximum salt length (what a TPM uses unless it follows FIPS 186-4's rule) and then with a salt as long
     * as the digest (what FIPS-mode TPMs use), so both kinds of TPM verify.
     */
    public static boolean verify(PublicKey key, Signature signature, byte[] message) {
        try {
            String algorithm = jcaAlgorithm(signature);
            if (!algorithm.equals("RSASSA-PSS")) {
                java.security.Signature jca = java.security.Signature.getInstance(algorithm);
                jca.initVerify(key);
                jca.update(message);
                return jca.verify(toJca(signature));
            }
            Signature.Rsa rsa = (Signature.Rsa) signature;
            String digest = jcaDigest(rsa.hashAlg());
            int hashLength = java.security.MessageDigest.getInstance(digest).getDigestLength();
            int modulusBytes = (((java.security.interfaces.RSAPublicKey) key).getModulus().bitLength() + 7) / 8;
            for (int salt : new int[] {modulusBytes - hashLength - 2, hashLength}) {
                java.security.Signature jca = java.security.Signature.getInstance("RSASSA-PSS");
                jca.setParameter(new java.security.spec.PSSParameterSpec(digest, "MGF1",
                        new java.security.spec.MGF1ParameterSpec(digest), salt, 1));
                jca.initVerify(key);
                jca.update(message);
                if (jca.verify(rsa.signature())) {
                    return true;
                }
            }
            return false;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot verify " + TpmAlg.describe(signature.sigAlg()) + " with "
                    + key.getAlgorithm() + ": " + e.getMessage(), e);
        }
    }

    private static String jcaDigest(int hashAlg) {
        return switch (TpmAlg.of(hashAlg).orElse(TpmAlg.NULL)) {
            case SHA1 -> "SHA-1";
            case SHA256 -> "SHA-256";
            case SHA384 -> "SHA-384";
            case SHA512 -> "SHA-512";
            default -> throw new IllegalArgumentException("no JCA digest for " + TpmAlg.describe(hashAlg));
        };
    }

    /** A JCA ECDSA signature (DER) as the TPMT_SIGNATURE TPM2_VerifySignature takes, for a curve of {@code size} bytes. */
    public static Signature fromJcaEcdsa(byte[] der, TpmAlg hashAlg, int size) {
        // SEQUENCE { INTEGER r, INTEGER s }, with one- or two-byte lengths.
        int[] at = {0};
        expect(der, at, 0x30);
        length(der, at);
        BigInteger r = integer(der, at);
        BigInteger s = integer(der, at);
        return new Signature.Ecc(TpmAlg.ECDSA.value(), hashAlg.value(), PublicKeys.unsigned(r, size),
                PublicKeys.unsigned(s, size));
    }

    private static BigInteger integer(byte[] der, int[] at) {
        expect(der, at, 0x02);
        int length = length(der, at);
        if (length < 1 || at[0] + length > der.length) {
            throw new IllegalArgumentException("DER INTEGER of " + length + " bytes at " + at[0] + " overruns the signature");
        }
        BigInteger value = new BigInteger(java.util.Arrays.copyOfRange(der, at[0], at[0] + length));
        at[0] += length;
        return value;
    }

    private static void expect(byte[] der, int[] at, int tag) {
        if (at[0] >= der.length || (der[at[0]] & 0xFF) != tag) {
            throw new IllegalArgumentException("not a DER ECDSA signature (expected tag 0x" + Integer.toHexString(tag)
                    + " at " + at[0] + ")");
        }
        at[0]++;
    }

    private static int length(byte[] der, int[] at) {
        if (at[0] >= der.length) {
            throw new IllegalArgumentException("DER signature ends early at " + at[0]);
        }
        int first = der[at[0]++] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        int bytes = first & 0x7F;
        if (bytes > 2 || at[0] + bytes > der.length) {
            throw new IllegalArgumentException("DER length field of " + bytes + " bytes at " + at[0] + " is not valid here");
        }
        int length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (der[at[0]++] & 0xFF);
        }
        return length;
    }

    private static byte[] derInteger(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return derTag(0x02, bytes);
    }

    private static byte[] derSequence(byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            body.writeBytes(part);
        }
        return derTag(0x30, body.toByteArray());
    }

    private static byte[] derTag(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >>> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
