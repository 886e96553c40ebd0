package io.tpm4j.attest;

import io.tpm4j.api.types.TpmAlg;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * PCR values by bank and index: read from a TPM, quoted, or replayed from a measurement log. Immutable; each value
 * has its bank's digest size.
 */
public final class PcrValues {

    /** The highest PCR index a value may have: TPMs implement at most a few dozen PCRs. */
    public static final int MAX_INDEX = 255;

    private final Map<TpmAlg, SortedMap<Integer, byte[]>> values;

    private PcrValues(Map<TpmAlg, SortedMap<Integer, byte[]>> values) {
        this.values = values;
    }

    /** The values given, by bank and then by PCR index; checked for digest sizes and indexes, and copied. */
    public static PcrValues of(Map<TpmAlg, ? extends Map<Integer, byte[]>> values) {
        Map<TpmAlg, SortedMap<Integer, byte[]>> copy = new EnumMap<>(TpmAlg.class);
        values.forEach((bank, pcrs) -> {
            int size = bank.digestSize().orElseThrow(() -> new IllegalArgumentException(bank + " is not a hash"));
            SortedMap<Integer, byte[]> bankCopy = new TreeMap<>();
            pcrs.forEach((index, value) -> {
                if (index < 0 || index > MAX_INDEX) {
                    throw new IllegalArgumentException("PCR index " + index + " is not between 0 and " + MAX_INDEX);
                }
                if (value.length != size) {
                    throw new IllegalArgumentException(TpmAlg.describe(bank.value()) + " PCR " + index + " has "
                            + value.length + " bytes, not " + size);
                }
                bankCopy.put(index, value.clone());
            });
            copy.put(bank, Collections.unmodifiableSortedMap(bankCopy));
        });
        return new PcrValues(Collections.unmodifiableMap(copy));
    }

    public Set<TpmAlg> banks() {
        return values.keySet();
    }

    /** The PCR indexes that have a value in {@code bank}, in order; empty for a bank not held. */
    public SortedSet<Integer> indexes(TpmAlg bank) {
        SortedMap<Integer, byte[]> pcrs = values.get(bank);
        return pcrs == null ? Collections.emptySortedSet() : Collections.unmodifiableSortedSet(new TreeSet<>(
                pcrs.keySet()));
    }

    public Optional<byte[]> get(TpmAlg bank, int index) {
        SortedMap<Integer, byte[]> pcrs = values.get(bank);
        return Optional.ofNullable(pcrs == null ? null : pcrs.get(index)).map(byte[]::clone);
    }

    /** These values restricted to the given PCR indexes, in every bank. */
    public PcrValues only(Set<Integer> indexes) {
        Map<TpmAlg, SortedMap<Integer, byte[]>> kept = new EnumMap<>(TpmAlg.class);
        values.forEach((bank, pcrs) -> {
            SortedMap<Integer, byte[]> bankKept = new TreeMap<>(pcrs);
            bankKept.keySet().retainAll(indexes);
            kept.put(bank, bankKept);
        });
        return of(kept);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof PcrValues that) || !values.keySet().equals(that.values.keySet())) {
            return false;
        }
        for (var bank : values.entrySet()) {
            SortedMap<Integer, byte[]> theirs = that.values.get(bank.getKey());
            if (!bank.getValue().keySet().equals(theirs.keySet())) {
                return false;
            }
            for (var pcr : bank.getValue().entrySet()) {
                if (!Arrays.equals(pcr.getValue(), theirs.get(pcr.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = 0;
        for (var bank : values.entrySet()) {
            for (var pcr : bank.getValue().entrySet()) {
                hash += bank.getKey().hashCode() ^ pcr.getKey() * 31 ^ Arrays.hashCode(pcr.getValue());
            }
        }
        return hash;
    }

    /** One line per bank and index: {@code sha256 0 3d45…}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        values.forEach((bank, pcrs) -> pcrs.forEach((index, value) -> out.append(TpmAlg.describe(bank.value()))
                .append(' ').append(index).append(' ').append(HexFormat.of().formatHex(value)).append('\n')));
        return out.toString();
    }
}
