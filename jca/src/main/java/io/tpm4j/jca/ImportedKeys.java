package io.tpm4j.jca;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.jca.keyfile.TssKeyLoader;
import io.tpm4j.jca.keyfile.TssPrivateKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The importable keys of TSS2 key files (a duplicate with no inner wrapper and its seed encrypted to the parent), made
 * loadable by TPM2_Import under their parent once per provider: the private blob the TPM returns is kept and loaded
 * like any key file's, so later uses and later reads of the same file cost no import (as the draft recommends).
 */
final class ImportedKeys {

    private static final Logger log = LoggerFactory.getLogger(ImportedKeys.class);

    /** What makes two importable keys the same import: the parent, the public area, the duplicate and the seed. */
    private record Id(TpmParent parent, PublicArea publicArea, byte[] duplicate, byte[] secret) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Id i && parent.equals(i.parent) && publicArea.equals(i.publicArea)
                    && Arrays.equals(duplicate, i.duplicate) && Arrays.equals(secret, i.secret);
        }

        @Override
        public int hashCode() {
            return (parent.hashCode() * 31 + publicArea.hashCode()) * 31 + Arrays.hashCode(duplicate) * 7
                    + Arrays.hashCode(secret);
        }
    }

    private final Tpm4jProvider provider;
    private final Map<Id, byte[]> imported = new ConcurrentHashMap<>();

    ImportedKeys(Tpm4jProvider provider) {
        this.provider = provider;
    }

    /**
     * The private blob of the importable {@code file} under {@code parent}, from TPM2_Import the first time it is asked
     * for (threads asking at once wait for the one import).
     *
     * @throws io.tpm4j.api.TpmResponseException when the TPM refuses the import (a damaged duplicate or seed, another parent)
     */
    byte[] loadableBlob(TssPrivateKey file, TpmParent parent) {
        Id id = new Id(parent, file.publicArea(), file.privateArea(), file.secret());
        return imported.computeIfAbsent(id, unused -> importUnder(file, parent)).clone();
    }

    private byte[] importUnder(TssPrivateKey file, TpmParent parent) {
        TpmConnection connection = provider.connection();
        byte[] blob = TssKeyLoader.imported(connection.tpm(), file, connection.parent(parent).handle());
        log.debug("imported a {} key under {}", file.publicArea().type(), parent);
        return blob;
    }
}
