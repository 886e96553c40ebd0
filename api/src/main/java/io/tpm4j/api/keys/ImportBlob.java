package io.tpm4j.api.keys;

import io.tpm4j.api.commands.Import;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SymmetricDefinition;

import java.util.Objects;

/**
 * What TPM2_Import takes to make a wrapped key loadable under its parent: the object's public area, the duplicate
 * (TPM2B_PRIVATE's contents), the encrypted seed (TPM2B_ENCRYPTED_SECRET's contents), and the inner wrapper's key and
 * cipher (empty and {@link SymmetricDefinition#NULL} without one). Holds no secret in clear: only the parent's TPM can
 * open it, and the inner key, when there is one, is a secret only for as long as it travels apart from the blob.
 */
public record ImportBlob(PublicArea objectPublic, byte[] duplicate, byte[] inSymSeed, byte[] encryptionKey,
                         SymmetricDefinition symmetricAlg) {

    public ImportBlob {
        Objects.requireNonNull(objectPublic, "objectPublic");
        Objects.requireNonNull(symmetricAlg, "symmetricAlg");
        duplicate = duplicate.clone();
        inSymSeed = inSymSeed.clone();
        encryptionKey = encryptionKey.clone();
    }

    @Override
    public byte[] duplicate() {
        return duplicate.clone();
    }

    @Override
    public byte[] inSymSeed() {
        return inSymSeed.clone();
    }

    @Override
    public byte[] encryptionKey() {
        return encryptionKey.clone();
    }

    /** Whether the sensitive area is also inside an inner wrapper. */
    public boolean hasInnerWrapper() {
        return !symmetricAlg.isNull();
    }

    /** TPM2_Import of this blob under the loaded parent at {@code parentHandle}. */
    public Import toImport(int parentHandle, Authorization parentAuth) {
        return new Import(parentHandle, parentAuth, encryptionKey, objectPublic, duplicate, inSymSeed, symmetricAlg);
    }

    /** Never shows the inner wrapper key. */
    @Override
    public String toString() {
        return "ImportBlob[" + objectPublic + ", duplicate " + duplicate.length + " bytes, seed " + inSymSeed.length
                + " bytes, inner " + (hasInnerWrapper() ? symmetricAlg : "none") + "]";
    }
}
