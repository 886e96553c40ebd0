package io.tpm4j.jca;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Opens an RSASSA-PSS signature with the public key to find its salt length: the TPM chooses it (by its key size
 * and hash) without saying, and a caller's PSSParameterSpec must name the same. Public-key work only, no TPM command.
 */
final class SignatureCheck {

    private SignatureCheck() {
    }

    /**
     * The salt length of an RSASSA-PSS signature over {@code digest} with MGF1 of the same hash (RFC 8017 9.1.2),
     * or empty when it does not verify.
     */
    static OptionalInt pssSaltLength(RSAPublicKey key, String digestName, byte[] digest, byte[] signature) {
        try {
            MessageDigest md = MessageDigest.getInstance(digestName);
            int hLen = md.getDigestLength();
            int emBits = key.getModulus().bitLength() - 1;
            int emLen = (emBits + 7) / 8;
            byte[] em = publicOperation(key, signature, emLen);
            if (em == null || emLen < hLen + 2 || em[emLen - 1] != (byte) 0xBC) {
                return OptionalInt.empty();
            }
            int dbLen = emLen - hLen - 1;
            byte[] h = Arrays.copyOfRange(em, dbLen, dbLen + hLen);
            byte[] db = mgf1(md, h, dbLen);
            for (int i = 0; i < dbLen; i++) {
                db[i] ^= em[i];
            }
            db[0] &= (byte) (0xFF >>> (8 * emLen - emBits));
            int one = 0;
            while (one < dbLen && db[one] == 0) {
                one++;
            }
            if (one == dbLen || db[one] != 1) {
                return OptionalInt.empty();
            }
            byte[] salt = Arrays.copyOfRange(db, one + 1, dbLen);
            md.reset();
            md.update(new byte[8]);
            md.update(digest);
            md.update(salt);
            return MessageDigest.isEqual(md.digest(), h) ? OptionalInt.of(salt.length) : OptionalInt.empty();
        } catch (GeneralSecurityException e) {
            return OptionalInt.empty();
        }
    }

    /** s^e mod n as exactly {@code length} bytes, or null for a signature out of range. */
    private static byte[] publicOperation(RSAPublicKey key, byte[] signature, int length) {
        BigInteger s = new BigInteger(1, signature);
        if (s.compareTo(key.getModulus()) >= 0) {
            return null;
        }
        byte[] raw = s.modPow(key.getPublicExponent(), key.getModulus()).toByteArray();
        if (raw.length > length + 1 || raw.length == length + 1 && raw[0] != 0) {
            return null;
        }
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }

    private static byte[] mgf1(MessageDigest md, byte[] seed, int length) {
        byte[] out = new byte[length];
        int done = 0;
        for (int counter = 0; done < length; counter++) {
            md.reset();
            md.update(seed);
            md.update(new byte[] {(byte) (counter >>> 24), (byte) (counter >>> 16), (byte) (counter >>> 8), (byte) counter});
            byte[] block = md.digest();
            int n = Math.min(block.length, length - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        return out;
    }
}
