package io.tpm4j.api.session;

import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.TpmWriter;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The TPM's key derivation functions (Part 1, section 11.4.10): KDFa (SP 800-108 counter mode with HMAC)
 * and KDFe (SP 800-56A concatenation). A label is used with its terminating zero octet, as the TPM does.
 */
public final class Kdf {

    private Kdf() {
    }

    /** KDFa(hashAlg, key, label, contextU, contextV, bits): {@code bits / 8} octets. */
    public static byte[] kdfa(TpmAlg hashAlg, byte[] key, String label, byte[] contextU, byte[] contextV, int bits) {
        Mac mac = hmac(hashAlg, key);
        byte[] fixed = new TpmWriter().bytes(labelBytes(label)).bytes(contextU).bytes(contextV).u32(bits).toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int counter = 1; out.size() < bits / 8; counter++) {
            mac.update(new TpmWriter().u32(counter).toByteArray());
            out.writeBytes(mac.doFinal(fixed));
        }
        return Arrays.copyOf(out.toByteArray(), bits / 8);
    }

    /** KDFe(hashAlg, z, label, partyU, partyV, bits): {@code bits / 8} octets. */
    public static byte[] kdfe(TpmAlg hashAlg, byte[] z, String label, byte[] partyU, byte[] partyV, int bits) {
        MessageDigest digest = Names.digest(hashAlg);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int counter = 1; out.size() < bits / 8; counter++) {
            digest.update(new TpmWriter().u32(counter).toByteArray());
            digest.update(z);
            digest.update(labelBytes(label));
            digest.update(partyU);
            out.writeBytes(digest.digest(partyV));
        }
        return Arrays.copyOf(out.toByteArray(), bits / 8);
    }

    /**
     * HMAC(key, data) with the TPM hash {@code hashAlg}: the integrity HMACs of credentials and duplicated objects (Part
     * 1, "Outer Integrity") use the same keyed hash as KDFa.
     */
    public static byte[] hmac(TpmAlg hashAlg, byte[] key, byte[] data) {
        return hmac(hashAlg, key).doFinal(data);
    }

    /** This thread's Mac for each hash: looking one up costs more than the HMAC of a session command. */
    private static final ThreadLocal<Map<TpmAlg, Mac>> MACS = ThreadLocal.withInitial(() -> new EnumMap<>(TpmAlg.class));

    /**
     * HMAC with {@code hashAlg}, keyed: this thread's instance, so finish with it before the next call. An
     * empty key works too: HMAC pads any key shorter than a block with zeros.
     */
    static Mac hmac(TpmAlg hashAlg, byte[] key) {
        Mac mac = MACS.get().computeIfAbsent(hashAlg, alg -> {
            String digest = Names.digest(alg).getAlgorithm();
            String name = "Hmac" + (digest.startsWith("SHA3") ? digest : digest.replace("-", ""));
            try {
                return Mac.getInstance(name);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM has no " + name, e);
            }
        });
        try {
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, mac.getAlgorithm()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot key " + mac.getAlgorithm() + ": " + e.getMessage(), e);
        }
        return mac;
    }

    private static byte[] labelBytes(String label) {
        byte[] ascii = label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return Arrays.copyOf(ascii, ascii.length + 1);
    }
}
