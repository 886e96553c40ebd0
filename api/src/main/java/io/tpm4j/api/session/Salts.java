package io.tpm4j.api.session;

import io.tpm4j.api.crypto.SecretSharing;
import io.tpm4j.api.types.PublicArea;

/**
 * The salt of a salted session and its encryption to the TPM key: secret sharing with the label "SECRET" (RSA-OAEP,
 * or for an ECC key an ephemeral ECDH whose Z goes through KDFe).
 */
final class Salts {

    record Salt(byte[] salt, byte[] encryptedSalt) {
    }

    private Salts() {
    }

    static Salt make(PublicArea key) {
        SecretSharing.Shared shared = SecretSharing.share(key, "SECRET");
        return new Salt(shared.value(), shared.encrypted());
    }
}
