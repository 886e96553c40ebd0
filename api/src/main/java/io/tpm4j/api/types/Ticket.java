package io.tpm4j.api.types;

import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.Arrays;

/** TPMT_TK_CREATION, TPMT_TK_VERIFIED, TPMT_TK_HASHCHECK, TPMT_TK_AUTH: a TPM_ST tag, a hierarchy, a digest. */
public record Ticket(int tag, int hierarchy, byte[] digest) {

    public Ticket {
        digest = digest.clone();
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    public void write(TpmWriter out) {
        out.u16(tag).u32(hierarchy).tpm2b(digest);
    }

    public static Ticket read(TpmReader in, String structure) {
        return new Ticket(in.u16(structure + ".tag"), in.u32(structure + ".hierarchy"),
                in.tpm2b(64, structure + ".digest"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ticket t && tag == t.tag && hierarchy == t.hierarchy && Arrays.equals(digest, t.digest);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * tag + hierarchy) + Arrays.hashCode(digest);
    }
}
