package io.tpm4j.api;

import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * NV indices as the facade last saw them: their public areas, from which their size and Name follow. An entry is
 * made when the facade defines an index or reads its public area, updated by the facade's own writes (the first
 * sets TPMA_NV_WRITTEN, which changes the Name), and dropped when the index is undefined or a command on it fails
 * its authorisation (a Name changed behind the facade's back looks exactly like that).
 */
final class NvIndexes {

    private final Map<Integer, NvPublic> known = new ConcurrentHashMap<>();

    /** The index's public area as last seen, read with {@code readPublic} the first time. */
    NvPublic get(int nvIndex, IntFunction<NvPublic> readPublic) {
        NvPublic seen = known.get(nvIndex);
        if (seen == null) {
            seen = readPublic.apply(nvIndex);
            known.put(nvIndex, seen);
        }
        return seen;
    }

    void seen(NvPublic nv) {
        known.put(nv.nvIndex(), nv);
    }

    /** After a successful write, extend, increment or bit set: the TPM has set TPMA_NV_WRITTEN. */
    void written(int nvIndex) {
        known.computeIfPresent(nvIndex, (index, nv) -> nv.attributes().has(NvAttributes.WRITTEN) ? nv
                : new NvPublic(index, nv.nameAlg(), new NvAttributes(nv.attributes().raw() | NvAttributes.WRITTEN),
                nv.authPolicy(), nv.dataSize()));
    }

    void forget(int nvIndex) {
        known.remove(nvIndex);
    }
}
