package io.tpm4j.api.types;

import java.util.HashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/** The lookup from a constant's wire value to the enum constant, shared by the TPM constant enums. */
final class ValueIndex {

    private ValueIndex() {
    }

    /** Maps each constant's value to it; two constants with one value are a bug in the table. */
    static <E> Map<Integer, E> of(E[] constants, ToIntFunction<E> value, String table) {
        Map<Integer, E> index = new HashMap<>();
        for (E constant : constants) {
            E previous = index.put(value.applyAsInt(constant), constant);
            if (previous != null) {
                throw new IllegalStateException("duplicate " + table + " value 0x"
                        + Integer.toHexString(value.applyAsInt(constant)) + ": " + previous + " and " + constant);
            }
        }
        return Map.copyOf(index);
    }
}
