package io.tpm4j.api.types;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.Arrays;
import java.util.Objects;

/** TPMS_NV_PUBLIC: an NV index's handle, name algorithm, attributes, policy and size. */
public record NvPublic(int nvIndex, TpmAlg nameAlg, NvAttributes attributes, byte[] authPolicy, int dataSize) {

    public NvPublic {
        Objects.requireNonNull(nameAlg, "nameAlg");
        Objects.requireNonNull(attributes, "attributes");
        authPolicy = authPolicy.clone();
        if (dataSize < 0 || dataSize > 0xFFFF) {
            throw new IllegalArgumentException("dataSize must be 0..65535, not " + dataSize);
        }
    }

    @Override
    public byte[] authPolicy() {
        return authPolicy.clone();
    }

    public byte[] toBytes() {
        return new TpmWriter(32).u32(nvIndex).u16(nameAlg.value()).u32(attributes.raw()).tpm2b(authPolicy)
                .u16(dataSize).toByteArray();
    }

    /** TPM2B_NV_PUBLIC. */
    public void writeSized(TpmWriter out) {
        out.tpm2b(toBytes());
    }

    /** The index's Name: nameAlg followed by the nameAlg digest of the marshalled TPMS_NV_PUBLIC. */
    public byte[] name() {
        return Names.of(nameAlg, toBytes());
    }

    public static NvPublic readSized(TpmReader in) {
        int at = in.position();
        byte[] body = in.tpm2b(in.remaining(), "TPM2B_NV_PUBLIC");
        TpmReader inner = new TpmReader(body);
        int index = inner.u32("TPMS_NV_PUBLIC.nvIndex");
        int algAt = inner.position();
        int alg = inner.u16("TPMS_NV_PUBLIC.nameAlg");
        TpmAlg nameAlg = TpmAlg.of(alg).orElseThrow(() -> new TpmProtocolException(
                "TPMS_NV_PUBLIC.nameAlg " + TpmAlg.describe(alg) + " is not a known algorithm", at + 2 + algAt));
        NvPublic nv = new NvPublic(index, nameAlg, new NvAttributes(inner.u32("TPMS_NV_PUBLIC.attributes")),
                inner.tpm2b(64, "TPMS_NV_PUBLIC.authPolicy"), inner.u16("TPMS_NV_PUBLIC.dataSize"));
        inner.expectEnd("TPM2B_NV_PUBLIC");
        return nv;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NvPublic n && nvIndex == n.nvIndex && nameAlg == n.nameAlg && attributes.equals(n.attributes)
                && Arrays.equals(authPolicy, n.authPolicy) && dataSize == n.dataSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(nvIndex, nameAlg, attributes, Arrays.hashCode(authPolicy), dataSize);
    }
}
