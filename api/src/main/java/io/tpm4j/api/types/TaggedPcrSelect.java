package io.tpm4j.api.types;

import java.util.BitSet;

/** TPMS_TAGGED_PCR_SELECT: a TPM_PT_PCR property and the PCRs that have it. */
public record TaggedPcrSelect(int tag, BitSet pcrs) {

    public TaggedPcrSelect {
        pcrs = (BitSet) pcrs.clone();
    }

    @Override
    public BitSet pcrs() {
        return (BitSet) pcrs.clone();
    }
}
