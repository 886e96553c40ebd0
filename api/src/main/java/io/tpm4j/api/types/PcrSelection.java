package io.tpm4j.api.types;

import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** TPMS_PCR_SELECTION: a hash algorithm (a PCR bank) and the PCRs selected in it. */
public record PcrSelection(int hashAlg, BitSet pcrs, int sizeOfSelect) {

    /** TPM PCR banks are selected with at least 3 bytes (PCRs 0-23) on PC-client TPMs. */
    public static final int DEFAULT_SELECT_BYTES = 3;
    /** PCR_SELECT_MAX for the largest TPMs: 256 PCRs. */
    public static final int MAX_SELECT_BYTES = 32;

    public PcrSelection {
        pcrs = (BitSet) pcrs.clone();
        if (sizeOfSelect < 0 || sizeOfSelect > MAX_SELECT_BYTES) {
            throw new IllegalArgumentException("sizeofSelect must be 0.." + MAX_SELECT_BYTES + ", not " + sizeOfSelect);
        }
        if (pcrs.length() > sizeOfSelect * 8) {
            throw new IllegalArgumentException("PCR " + (pcrs.length() - 1) + " does not fit in " + sizeOfSelect
                    + " select bytes");
        }
    }

    /** Selects {@code pcrs} in the bank of {@code hashAlg}, with the smallest select size that fits (at least 3). */
    public static PcrSelection of(TpmAlg hashAlg, int... pcrs) {
        BitSet set = new BitSet();
        for (int pcr : pcrs) {
            if (pcr < 0 || pcr >= MAX_SELECT_BYTES * 8) {
                throw new IllegalArgumentException("PCR index " + pcr + " is outside 0.." + (MAX_SELECT_BYTES * 8 - 1));
            }
            set.set(pcr);
        }
        return new PcrSelection(hashAlg.value(), set, Math.max(DEFAULT_SELECT_BYTES, (set.length() + 7) / 8));
    }

    @Override
    public BitSet pcrs() {
        return (BitSet) pcrs.clone();
    }

    /** The selected PCR indices, in ascending order. */
    public List<Integer> indices() {
        List<Integer> out = new ArrayList<>();
        pcrs.stream().forEach(out::add);
        return out;
    }

    public void write(TpmWriter out) {
        out.u16(hashAlg).u8(sizeOfSelect);
        for (int i = 0; i < sizeOfSelect; i++) {
            int b = 0;
            for (int bit = 0; bit < 8; bit++) {
                if (pcrs.get(i * 8 + bit)) {
                    b |= 1 << bit;
                }
            }
            out.u8(b);
        }
    }

    public static PcrSelection read(TpmReader in) {
        int hash = in.u16("TPMS_PCR_SELECTION.hash");
        int at = in.position();
        int size = in.u8("TPMS_PCR_SELECTION.sizeofSelect");
        if (size > MAX_SELECT_BYTES) {
            throw new io.tpm4j.api.TpmProtocolException("TPMS_PCR_SELECTION.sizeofSelect is " + size
                    + ", more than " + MAX_SELECT_BYTES, at);
        }
        BitSet set = BitSet.valueOf(in.bytes(size, "TPMS_PCR_SELECTION.pcrSelect"));
        return new PcrSelection(hash, set, size);
    }

    /** TPML_PCR_SELECTION: a count then the selections (at most HASH_COUNT, 16 here to leave room). */
    public static List<PcrSelection> readList(TpmReader in) {
        int count = in.count(16, 3, "TPML_PCR_SELECTION");
        List<PcrSelection> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(read(in));
        }
        return List.copyOf(out);
    }

    public static void writeList(TpmWriter out, List<PcrSelection> selections) {
        out.u32(selections.size());
        selections.forEach(s -> s.write(out));
    }

    /** E.g. {@code sha256:0-23} or {@code sha1:0,2,4-7}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(TpmAlg.describe(hashAlg)).append(':');
        int start = pcrs.nextSetBit(0);
        while (start >= 0) {
            int end = pcrs.nextClearBit(start) - 1;
            out.append(out.charAt(out.length() - 1) == ':' ? "" : ",").append(start);
            if (end > start) {
                out.append('-').append(end);
            }
            start = pcrs.nextSetBit(end + 1);
        }
        return out.toString();
    }
}
