package io.tpm4j.attest.credential;

import io.tpm4j.api.commands.MakeCredential;
import io.tpm4j.api.crypto.OuterWrapper;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.attest.credential.CredentialException.Input;

import java.util.Optional;

/**
 * The verifier's TPM2_MakeCredential, without a TPM (Part 1, "Credential Protection"): a credential secret that only
 * the TPM holding the EK's private part can recover, and only for the object with the AK's Name, with
 * TPM2_ActivateCredential. It proves to the verifier that the AK lives in the same TPM as the EK.
 *
 * <p>A seed the size of the EK's name-algorithm digest is encrypted to the EK (RSA-OAEP or ECDH with KDFe, label
 * "IDENTITY"). KDFa(seed, "STORAGE", AK Name) keys the EK's symmetric cipher (AES in CFB mode, zero IV), which encrypts
 * the secret as a TPM2B_DIGEST: encIdentity. KDFa(seed, "INTEGRITY") keys the outer HMAC over encIdentity || AK Name.
 * The credential blob is the HMAC as a TPM2B_DIGEST followed by encIdentity.
 */
public final class Credentials {

    private static final String SEED_LABEL = "IDENTITY";

    private Credentials() {
    }

    /**
     * The credential blob and encrypted seed (the contents of TPM2B_ID_OBJECT and TPM2B_ENCRYPTED_SECRET) protecting
     * {@code secret} to {@code ek} for the object named {@code akName}, as TPM2_MakeCredential would make them.
     *
     * @param ek     the EK's public area, as the verifier checked it (e.g. against its certificate)
     * @param akName the AK's Name: its name algorithm and the digest of its public area
     * @param secret 1 to {@link #maxSecretSize} bytes
     * @throws CredentialException naming the input that cannot make a credential, and why
     */
    public static MakeCredential.Response make(PublicArea ek, byte[] akName, byte[] secret) throws CredentialException {
        checkEk(ek);
        checkName(akName);
        int max = maxSecretSize(ek);
        if (secret.length == 0 || secret.length > max) {
            throw new CredentialException(Input.SECRET, secret.length + " bytes; the EK's name algorithm "
                    + ek.nameAlg() + " allows 1 to " + max);
        }
        OuterWrapper.Wrapped wrapped;
        try {
            wrapped = OuterWrapper.wrap(ek, SEED_LABEL, akName, new TpmWriter().tpm2b(secret).toByteArray());
        } catch (IllegalArgumentException e) {
            throw new CredentialException(Input.EK, "cannot encrypt the seed to it: " + e.getMessage(), e);
        }
        return new MakeCredential.Response(wrapped.blob(), wrapped.encryptedSeed());
    }

    /** The largest secret a credential for {@code ek} can carry: its name algorithm's digest size, as on the TPM. */
    public static int maxSecretSize(PublicArea ek) {
        return ek.nameAlg().digestSize().orElse(0);
    }

    /** The EK must be a restricted RSA or ECC decryption key with an AES-CFB symmetric cipher; returns that cipher. */
    private static SymmetricDefinition checkEk(PublicArea ek) throws CredentialException {
        if (ek.nameAlg().digestSize().isEmpty()) {
            throw new CredentialException(Input.EK, "its name algorithm " + ek.nameAlg() + " is not a hash");
        }
        if (!ek.attributes().has(ObjectAttributes.RESTRICTED | ObjectAttributes.DECRYPT)
                || ek.attributes().has(ObjectAttributes.SIGN_ENCRYPT)) {
            throw new CredentialException(Input.EK, "not a restricted decryption key: " + ek.attributes());
        }
        SymmetricDefinition symmetric = switch (ek.parameters()) {
            case PublicParameters.Rsa rsa -> {
                byte[] modulus = ((PublicId.Rsa) ek.unique()).modulus();
                if (modulus.length * 8 != rsa.keyBits()) {
                    throw new CredentialException(Input.EK, "a modulus of " + modulus.length + " bytes for an RSA-"
                            + rsa.keyBits() + " key");
                }
                yield rsa.symmetric();
            }
            case PublicParameters.Ecc ecc -> ecc.symmetric();
            default -> throw new CredentialException(Input.EK, "a " + ek.type() + " key, neither RSA nor ECC");
        };
        if (!OuterWrapper.isAesCfb(symmetric)) {
            throw new CredentialException(Input.EK, "its symmetric cipher " + TpmAlg.describe(symmetric.algorithm())
                    + "-" + symmetric.keyBits() + "-" + TpmAlg.describe(symmetric.mode()) + " is not AES-CFB");
        }
        return symmetric;
    }

    /** A Name of an object: a hash algorithm's identifier and a digest of its size. */
    private static void checkName(byte[] name) throws CredentialException {
        if (name.length < 2) {
            throw new CredentialException(Input.AK_NAME, name.length + " bytes, too short for a Name");
        }
        int alg = (name[0] & 0xFF) << 8 | name[1] & 0xFF;
        Optional<TpmAlg> hash = TpmAlg.of(alg).filter(a -> a.digestSize().isPresent());
        if (hash.isEmpty()) {
            throw new CredentialException(Input.AK_NAME, "its algorithm " + TpmAlg.describe(alg)
                    + " is not a hash: not the Name of an object");
        }
        int expected = 2 + hash.get().digestSize().getAsInt();
        if (name.length != expected) {
            throw new CredentialException(Input.AK_NAME, name.length + " bytes; a " + hash.get() + " Name has "
                    + expected);
        }
    }
}
