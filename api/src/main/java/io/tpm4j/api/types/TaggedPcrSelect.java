package io.tpm4j.api.types;

import java.util.BitSet;

/** TPMS_TAGGED_PCR_SELECT: a TPM_PT_PCR property and the PCRs that have it, in {@code sizeOfSelect} bytes. */
public record TaggedPcrSelect(int tag, BitSet pcrs, int sizeOfSelect) {

    public TaggedPcrSelect {
        pcrs = (BitSet) pcrs.clone();
        if (sizeOfSelect < 0 || sizeOfSelect > PcrSelection.MAX_SELECT_BYTES || pcrs.length() > sizeOfSelect * 8) {
            throw new IllegalArgumentException("PCRs " + pcrs + " in " + sizeOfSelect + " select bytes");
        }
    }

    @Override
    public BitSet pcrs() {
        return (BitSet) pcrs.clone();
    }
}
