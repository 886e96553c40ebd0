package io.tpm4j.api.types;

import java.util.ArrayList;
import java.util.List;

/** Names the set bits of a TPMA_* value, e.g. {@code fixedTPM|fixedParent|bit3}. */
final class BitNames {

    private BitNames() {
    }

    /** {@code names[i]} names bit i; bits without a name print as {@code bitI}. */
    static String describe(int raw, String[] names) {
        List<String> set = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            if ((raw & (1 << i)) != 0) {
                set.add(i < names.length && names[i] != null ? names[i] : "bit" + i);
            }
        }
        return set.isEmpty() ? "none" : String.join("|", set);
    }
}
