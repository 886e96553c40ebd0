package io.tpm4j.jca;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.TpmRh;

import java.util.Objects;

/**
 * The storage parent a key is created and loaded under. A provider makes each parent ready once and keeps it
 * (handle cached) for as long as it is open; parents are authorised with an empty password.
 */
public sealed interface TpmParent {

    /**
     * The storage root key: the persistent key at the TCG's 0x81000001 when its public area is one of the standard
     * SRK templates, else the standard ECC P-256 SRK ({@code Templates.srkEccP256()}) created under the owner
     * hierarchy once per provider.
     */
    record StorageRootKey() implements TpmParent {
    }

    /** A persistent storage key at {@code handle} (0x81000000 to 0x81FFFFFF). */
    record Persistent(int handle) implements TpmParent {
        public Persistent {
            if (handle >>> 24 != 0x81) {
                throw new IllegalArgumentException(String.format("0x%08x is not a persistent handle (0x81xxxxxx)", handle));
            }
        }

        @Override
        public String toString() {
            return String.format("Persistent[0x%08x]", handle);
        }
    }

    /**
     * A primary storage key created from {@code template} under {@code hierarchy} (TPM_RH_OWNER, _ENDORSEMENT,
     * _PLATFORM or _NULL), once per provider: e.g. the parent a TSS2 key file names by a permanent handle.
     */
    record Primary(int hierarchy, PublicArea template) implements TpmParent {
        public Primary {
            Objects.requireNonNull(template, "template");
            if (hierarchy != TpmRh.OWNER && hierarchy != TpmRh.ENDORSEMENT && hierarchy != TpmRh.PLATFORM
                    && hierarchy != TpmRh.NULL) {
                throw new IllegalArgumentException(String.format("0x%08x is not a hierarchy", hierarchy));
            }
        }
    }

    /** The storage root key, see {@link StorageRootKey}. */
    static TpmParent storageRootKey() {
        return new StorageRootKey();
    }

    /**
     * The owner primary that TSS2 key files name with parent 0x40000001 (tpm2-openssl's, tpm2-pytss's, from
     * {@code TssKeyLoader.eccParentTemplate()}): the parent to create a key under that is to be written to a
     * {@code file:} alias of the {@code TPM} key store.
     */
    static TpmParent keyFilePrimary() {
        return new Primary(TpmRh.OWNER, io.tpm4j.jca.keyfile.TssKeyLoader.eccParentTemplate());
    }

    static TpmParent persistent(int handle) {
        return new Persistent(handle);
    }

    static TpmParent primary(int hierarchy, PublicArea template) {
        return new Primary(hierarchy, template);
    }
}
