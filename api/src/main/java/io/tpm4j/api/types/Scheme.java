package io.tpm4j.api.types;

import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

/**
 * A scheme with its details, as TPMT_RSA_SCHEME, TPMT_ECC_SCHEME, TPMT_KEYEDHASH_SCHEME, TPMT_KDF_SCHEME and
 * TPMT_SIG_SCHEME marshal it: the scheme algorithm, then — keyed by it — nothing (NULL, RSAES), a hash
 * algorithm (most), a hash and a count (ECDAA), or a hash and a KDF (XOR).
 */
public record Scheme(int scheme, int hashAlg, int extra) {

    public static final Scheme NULL = new Scheme(TpmAlg.NULL.value(), 0, 0);

    /** A scheme whose only detail is a hash algorithm, e.g. {@code Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256)}. */
    public static Scheme of(TpmAlg scheme, TpmAlg hashAlg) {
        return new Scheme(scheme.value(), hashAlg.value(), 0);
    }

    public boolean isNull() {
        return scheme == TpmAlg.NULL.value();
    }

    private static boolean hasNoDetails(int scheme) {
        return scheme == TpmAlg.NULL.value() || scheme == TpmAlg.RSAES.value();
    }

    public void write(TpmWriter out) {
        out.u16(scheme);
        if (hasNoDetails(scheme)) {
            return;
        }
        out.u16(hashAlg);
        if (scheme == TpmAlg.ECDAA.value() || scheme == TpmAlg.XOR.value()) {
            out.u16(extra);
        }
    }

    public static Scheme read(TpmReader in, String structure) {
        int scheme = in.u16(structure + ".scheme");
        if (hasNoDetails(scheme)) {
            return new Scheme(scheme, 0, 0);
        }
        int hash = in.u16(structure + ".details.hashAlg");
        int extra = scheme == TpmAlg.ECDAA.value() ? in.u16(structure + ".details.count")
                : scheme == TpmAlg.XOR.value() ? in.u16(structure + ".details.kdf") : 0;
        return new Scheme(scheme, hash, extra);
    }

    @Override
    public String toString() {
        return isNull() ? "null" : TpmAlg.describe(scheme) + (hasNoDetails(scheme) ? "" : "(" + TpmAlg.describe(hashAlg) + ")");
    }
}
