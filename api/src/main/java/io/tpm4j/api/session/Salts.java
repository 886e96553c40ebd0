package io.tpm4j.api.session;

import io.tpm4j.api.crypto.PublicKeys;
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
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;

/**
 * The salt of a salted session and its encryption to the TPM key (Part 1, "Secret Sharing"): RSA-OAEP with
 * the label "SECRET", or for an ECC key an ephemeral ECDH whose Z goes through KDFe.
 */
final class Salts {

    record Salt(byte[] salt, byte[] encryptedSalt) {
    }

    private Salts() {
    }

    static Salt make(PublicArea key) {
        TpmAlg nameAlg = key.nameAlg();
        int bits = nameAlg.digestSize().getAsInt() * 8;
        try {
            return switch (key.parameters()) {
                case PublicParameters.Rsa rsa -> {
                    byte[] salt = AuthSession.random(bits / 8);
                    String hash = Names.digest(nameAlg).getAlgorithm();
                    Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
                    oaep.init(Cipher.ENCRYPT_MODE, PublicKeys.toPublicKey(key), new OAEPParameterSpec(hash, "MGF1",
                            new MGF1ParameterSpec(hash), new PSource.PSpecified("SECRET\0".getBytes())));
                    yield new Salt(salt, oaep.doFinal(salt));
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
                    byte[] salt = Kdf.kdfe(nameAlg, ecdh.generateSecret(), "SECRET", ours.x(),
                            ((PublicId.Ecc) key.unique()).x(), bits);
                    TpmWriter point = new TpmWriter();
                    ours.write(point);
                    yield new Salt(salt, point.toByteArray());
                }
                default -> throw new IllegalArgumentException("a session can be salted only to an RSA or ECC key, not "
                        + key.parameters().type());
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a session salt to " + key + ": " + e.getMessage(), e);
        }
    }
}
