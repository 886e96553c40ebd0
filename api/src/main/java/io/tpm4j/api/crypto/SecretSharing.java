package io.tpm4j.api.crypto;

import io.tpm4j.api.session.Kdf;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.TpmWriter;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;

/**
 * Secret sharing with a TPM key (Part 1, "Secret Sharing"): a fresh secret the size of the key's name-algorithm digest,
 * and its encryption to that key, which only the TPM holding the private part can recover. RSA keys take RSA-OAEP with
 * the name algorithm and the label (with its terminating zero octet); ECC keys an ephemeral ECDH whose Z goes through
 * KDFe with the label, the ephemeral point's x and the key's x. The label says what the secret is for: "SECRET" for a
 * session salt, "IDENTITY" for a credential's seed, "DUPLICATE" for a duplication seed.
 */
public final class SecretSharing {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretSharing() {
    }

    /**
     * A shared secret: its value, and what the TPM decrypts it from (the TPM2B_ENCRYPTED_SECRET's contents: the OAEP
     * cipher text, or the ephemeral TPMS_ECC_POINT).
     */
    public record Shared(byte[] value, byte[] encrypted) {
        public Shared {
            value = value.clone();
            encrypted = encrypted.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public byte[] encrypted() {
            return encrypted.clone();
        }

        /** Never shows the secret. */
        @Override
        public String toString() {
            return "Shared[" + value.length + " bytes, encrypted in " + encrypted.length + "]";
        }
    }

    /**
     * A fresh secret encrypted to {@code key}, an RSA or ECC key whose public area the caller has checked.
     *
     * @throws IllegalArgumentException when the key is neither RSA nor ECC, or its public part is not a valid key
     */
    public static Shared share(PublicArea key, String label) {
        TpmAlg nameAlg = key.nameAlg();
        int bytes = nameAlg.digestSize().orElseThrow(() -> new IllegalArgumentException(
                "the key's name algorithm " + nameAlg + " is not a hash"));
        try {
            return switch (key.parameters()) {
                case PublicParameters.Rsa rsa -> {
                    byte[] secret = new byte[bytes];
                    RANDOM.nextBytes(secret);
                    String hash = Names.digest(nameAlg).getAlgorithm();
                    byte[] ascii = label.getBytes(StandardCharsets.US_ASCII);
                    Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
                    oaep.init(Cipher.ENCRYPT_MODE, PublicKeys.toPublicKey(key), new OAEPParameterSpec(hash, "MGF1",
                            new MGF1ParameterSpec(hash), new PSource.PSpecified(Arrays.copyOf(ascii, ascii.length + 1))));
                    yield new Shared(secret, oaep.doFinal(secret));
                }
                case PublicParameters.Ecc ecc -> {
                    ECPublicKey tpmKey = (ECPublicKey) PublicKeys.toPublicKey(key);
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(tpmKey.getParams());
                    KeyPair ephemeral = generator.generateKeyPair();
                    KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
                    ecdh.init(ephemeral.getPrivate());
                    ecdh.doPhase(tpmKey, true);
                    PublicId.Ecc ours = (PublicId.Ecc) PublicKeys.toPublicArea(ephemeral.getPublic(), nameAlg).unique();
                    byte[] secret = Kdf.kdfe(nameAlg, ecdh.generateSecret(), label, ours.x(),
                            ((PublicId.Ecc) key.unique()).x(), bytes * 8);
                    TpmWriter point = new TpmWriter();
                    ours.write(point);
                    yield new Shared(secret, point.toByteArray());
                }
                default -> throw new IllegalArgumentException("a secret can be shared only with an RSA or ECC key, not "
                        + key.parameters().type());
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot encrypt a secret to " + key + ": " + e.getMessage(), e);
        }
    }
}
