package io.tpm4j.api.types;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** TPMT_HA: a digest tagged with its hash algorithm; its size follows from the algorithm. */
public record TaggedDigest(TpmAlg hashAlg, byte[] digest) {

    /** TPML_DIGEST_VALUES holds at most HASH_COUNT entries; 16 leaves room for any TPM. */
    public static final int MAX_LIST = 16;

    public TaggedDigest {
        int size = hashAlg.digestSize().orElseThrow(() -> new IllegalArgumentException(hashAlg + " is not a hash"));
        if (digest.length != size) {
            throw new IllegalArgumentException(hashAlg + " digests are " + size + " bytes, not " + digest.length);
        }
        digest = digest.clone();
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    public void write(TpmWriter out) {
        out.u16(hashAlg.value()).bytes(digest);
    }

    public static TaggedDigest read(TpmReader in) {
        int at = in.position();
        int alg = in.u16("TPMT_HA.hashAlg");
        TpmAlg hash = TpmAlg.of(alg).filter(a -> a.digestSize().isPresent()).orElseThrow(() ->
                new TpmProtocolException("TPMT_HA.hashAlg " + TpmAlg.describe(alg) + " is not a known hash", at));
        return new TaggedDigest(hash, in.bytes(hash.digestSize().getAsInt(), "TPMT_HA.digest"));
    }

    /** TPML_DIGEST_VALUES. */
    public static void writeList(TpmWriter out, List<TaggedDigest> digests) {
        out.u32(digests.size());
        digests.forEach(d -> d.write(out));
    }

    public static List<TaggedDigest> readList(TpmReader in) {
        int n = in.count(MAX_LIST, 2, "TPML_DIGEST_VALUES");
        List<TaggedDigest> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(read(in));
        }
        return List.copyOf(out);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TaggedDigest t && t.hashAlg == hashAlg && Arrays.equals(t.digest, digest);
    }

    @Override
    public int hashCode() {
        return hashAlg.hashCode() * 31 + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return TpmAlg.describe(hashAlg.value()) + ":" + HexFormat.of().formatHex(digest);
    }
}
