package io.tpm4j.api.types;

import java.util.Arrays;

/** TPMS_TAGGED_POLICY: a permanent handle and the policy (TPMT_HA: hash algorithm and digest) it has set. */
public record TaggedPolicy(int handle, int hashAlg, byte[] digest) {

    public TaggedPolicy {
        digest = digest.clone();
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaggedPolicy p && handle == p.handle && hashAlg == p.hashAlg && Arrays.equals(digest, p.digest);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * handle + hashAlg) + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return String.format("0x%08x: %s %s", handle, TpmAlg.describe(hashAlg), java.util.HexFormat.of().formatHex(digest));
    }
}
