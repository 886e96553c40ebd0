package io.tpm4j.jca;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.OptionalInt;

/**
 * Checks what the TPM signed against the key's public half before the provider hands it out: a key handle that has
 * come to name another object (flushed behind the provider's back, its number reused) or a faulty TPM cannot go
 * unnoticed. Costs public-key work only, no TPM command.
 */
final class SignatureCheck {

    private static final HexFormat HEX = HexFormat.of();

    private SignatureCheck() {
    }

    static boolean ecdsa(ECPublicKey key, byte[] digest, byte[] der) {
        try {
            java.security.Signature verifier = java.security.Signature.getInstance("NONEwithECDSA");
            verifier.initVerify(key);
            verifier.update(digest);
            return verifier.verify(der);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** RSASSA-PKCS1-v1_5 (RFC 8017 9.2) over {@code digest}, from the digest alone. */
    static boolean pkcs1(RSAPublicKey key, String digestName, byte[] digest, byte[] signature) {
        int k = (key.getModulus().bitLength() + 7) / 8;
        byte[] em = publicOperation(key, signature, k);
        byte[] t = concat(digestInfoPrefix(digestName), digest);
        if (em == null || k < t.length + 11) {
            return false;
        }
        byte[] expected = new byte[k];
        expected[1] = 1;
        Arrays.fill(expected, 2, k - t.length - 1, (byte) 0xFF);
        System.arraycopy(t, 0, expected, k - t.length, t.length);
        return MessageDigest.isEqual(expected, em);
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

    /** The DER DigestInfo before the digest (RFC 8017 9.2 note 1). */
    static byte[] digestInfoPrefix(String digestName) {
        return HEX.parseHex(switch (digestName) {
            case "SHA-256" -> "3031300d060960864801650304020105000420";
            case "SHA-384" -> "3041300d060960864801650304020205000430";
            case "SHA-512" -> "3051300d060960864801650304020305000440";
            default -> throw new IllegalArgumentException("no DigestInfo for " + digestName);
        });
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
