package io.tpm4j.api.keys;

import io.tpm4j.api.crypto.OuterWrapper;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.wire.TpmWriter;

import java.security.MessageDigest;

/**
 * Duplication blobs made in software (Part 1, "Protected Storage", duplication): a {@link SoftwareKey} wrapped for a
 * TPM parent of which only the public area is known, so a server can prepare a key for a device's TPM (its SRK, or
 * any storage key) and the device imports it with TPM2_Import. The same blob as TPM2_Duplicate makes, as
 * {@code tpm2_duplicate -U parent.pub -k key.pem}, go-tpm-tools' import blobs and TSS.MSR's createDuplicationBlob.
 *
 * <p>Outer wrapper: a seed shared with the parent (RSA-OAEP or ECDH + KDFe, label "DUPLICATE"); KDFa(seed, "STORAGE",
 * Name) keys the parent's symmetric cipher over the sensitive area, KDFa(seed, "INTEGRITY") an HMAC over the cipher
 * text and Name (see {@link OuterWrapper}). Optional inner wrapper: see {@link InnerWrapper}.
 */
public final class Duplicates {

    private Duplicates() {
    }

    /** {@code key} wrapped for {@code parent} with the outer wrapper only. */
    public static ImportBlob wrap(SoftwareKey key, PublicArea parent) {
        return wrap(key, parent, null);
    }

    /**
     * {@code key} wrapped for {@code parent}, and, when {@code inner} is not null, with an inner wrapper under its key.
     *
     * @param parent the public area of a restricted RSA or ECC decryption key with an AES-CFB cipher (a storage key),
     *               which the caller has checked is the parent it means (by its Name, a certificate...)
     * @throws IllegalArgumentException when the parent is no storage key, the key could not be imported (fixedTPM or
     *                                  fixedParent set), or it needs an inner wrapper (encryptedDuplication) it lacks
     */
    public static ImportBlob wrap(SoftwareKey key, PublicArea parent, InnerWrapper inner) {
        ObjectAttributes parentAttributes = parent.attributes();
        if (!parentAttributes.has(ObjectAttributes.RESTRICTED | ObjectAttributes.DECRYPT)
                || parentAttributes.has(ObjectAttributes.SIGN_ENCRYPT)) {
            throw new IllegalArgumentException("the parent is not a storage key (restricted, decrypt, not sign): "
                    + parentAttributes);
        }
        OuterWrapper.symmetricOf(parent);
        ObjectAttributes attributes = key.publicArea().attributes();
        if (attributes.has(ObjectAttributes.FIXED_TPM) || attributes.has(ObjectAttributes.FIXED_PARENT)) {
            throw new IllegalArgumentException("a key with fixedTPM or fixedParent set cannot be imported: " + attributes);
        }
        if (inner == null && attributes.has(ObjectAttributes.ENCRYPTED_DUPLICATION)) {
            throw new IllegalArgumentException("the key has encryptedDuplication set: it needs an inner wrapper");
        }
        byte[] name = key.name();
        byte[] sensitive = key.sensitive().toSizedBytes();
        byte[] plain = inner == null ? sensitive : innerWrapped(key, name, sensitive, inner);
        OuterWrapper.Wrapped wrapped = OuterWrapper.wrap(parent, "DUPLICATE", name, plain);
        return new ImportBlob(key.publicArea(), wrapped.blob(), wrapped.encryptedSeed(),
                inner == null ? new byte[0] : inner.encryptionKey(),
                inner == null ? SymmetricDefinition.NULL : inner.symmetricAlg());
    }

    /** CFB_innerKey(TPM2B_DIGEST(H_nameAlg(sensitive || Name)) || sensitive), sensitive being the TPM2B_SENSITIVE. */
    private static byte[] innerWrapped(SoftwareKey key, byte[] name, byte[] sensitive, InnerWrapper inner) {
        MessageDigest digest = Names.digest(key.publicArea().nameAlg());
        digest.update(sensitive);
        byte[] integrity = digest.digest(name);
        byte[] plain = new TpmWriter().tpm2b(integrity).bytes(sensitive).toByteArray();
        return OuterWrapper.aesCfb(inner.encryptionKey(), plain, true);
    }
}
