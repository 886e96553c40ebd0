package io.tpm4j.testhw;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a hardware test may do beyond reading. On a real machine nothing here runs unless the user permits it
 * ({@code ./tpm4j check --permit nv,pcr}); tests that change lasting state put it back.
 */
public enum Permission {
    /** Use the owner (storage) hierarchy's authorisation: keys under the SRK, NV and persistent handles. */
    OWNER("owner", "uses the owner hierarchy's authorisation (empty on a fresh TPM)"),
    /** Use the endorsement hierarchy's authorisation. */
    ENDORSEMENT("endorsement", "uses the endorsement hierarchy's authorisation"),
    /** Use the platform hierarchy's authorisation (firmware normally disables it). */
    PLATFORM("platform", "uses the platform hierarchy's authorisation"),
    /** Define, write and undefine NV indices (NV wears; indices are undefined again). */
    NV("nv", "defines, writes and removes an NV index"),
    /** Make objects persistent and evict them again. */
    PERSISTENT("persistent", "makes a key persistent, then evicts it"),
    /** Extend (and reset) the resettable debug PCR 16. */
    PCR("pcr", "extends and resets PCR 16"),
    /** Change or reset dictionary-attack state. */
    DA("da", "changes dictionary-attack state"),
    /** TPM2_Clear: replaces the owner's seed, removing every owner key and index. Never restorable. */
    CLEAR("clear", "clears the TPM (new owner seed: owner keys and NV are lost)");

    private final String option;
    private final String meaning;

    Permission(String option, String meaning) {
        this.option = option;
        this.meaning = meaning;
    }

    /** The name used with {@code --permit}. */
    public String option() {
        return option;
    }

    public String meaning() {
        return meaning;
    }

    /** Parses {@code --permit}'s list: names separated by commas, or {@code all}. */
    public static Set<Permission> parse(String list) {
        Set<Permission> out = EnumSet.noneOf(Permission.class);
        for (String name : list.split(",")) {
            String wanted = name.strip().toLowerCase(Locale.ROOT);
            if (wanted.isEmpty()) {
                continue;
            }
            if (wanted.equals("all")) {
                return EnumSet.allOf(Permission.class);
            }
            Permission found = null;
            for (Permission p : values()) {
                if (p.option.equals(wanted)) {
                    found = p;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown permission '" + name.strip() + "'; known: all, "
                        + String.join(", ", EnumSet.allOf(Permission.class).stream().map(Permission::option).toList()));
            }
            out.add(found);
        }
        return out;
    }
}
