package io.tpm4j.attest.credential;

import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.attest.credential.CredentialException.Input;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verifier's MakeCredential takes hostile input: each wrong input is named in a {@link CredentialException}. */
class CredentialsTest {

    private static final byte[] SECRET = "challenge".getBytes();
    private static final byte[] AK_NAME = HexFormat.of().parseHex("000b" + "11".repeat(32));

    /** An EK area (template L-1's attributes and policy) holding a fresh JCA RSA-2048 key. */
    private static PublicArea rsaEk() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        PublicId unique = PublicKeys.toPublicArea(rsa.generateKeyPair().getPublic(), TpmAlg.SHA256).unique();
        PublicArea template = Templates.ekRsa2048();
        return new PublicArea(template.nameAlg(), template.attributes(), template.authPolicy(), template.parameters(), unique);
    }

    /** Template L-2 with a fresh JCA P-256 point, and {@code nameAlg}. */
    private static PublicArea eccEk(TpmAlg nameAlg) throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        PublicId unique = PublicKeys.toPublicArea(ec.generateKeyPair().getPublic(), TpmAlg.SHA256).unique();
        PublicArea template = Templates.ekEccP256();
        return new PublicArea(nameAlg, template.attributes(), template.authPolicy(), template.parameters(), unique);
    }

    private static CredentialException refused(Input input, PublicArea ek, byte[] name, byte[] secret) {
        CredentialException e = assertThrows(CredentialException.class, () -> Credentials.make(ek, name, secret));
        assertEquals(input, e.input(), e.getMessage());
        assertTrue(e.getMessage().startsWith(input + ": "), e.getMessage());
        return e;
    }

    @Test
    void credentialLayoutIsTheOuterHmacThenEncIdentity() throws Exception {
        for (PublicArea ek : new PublicArea[] {rsaEk(), eccEk(TpmAlg.SHA256), eccEk(TpmAlg.SHA384)}) {
            int digest = ek.nameAlg().digestSize().getAsInt();
            byte[] secret = new byte[Credentials.maxSecretSize(ek)];
            var made = Credentials.make(ek, AK_NAME, secret);
            TpmReader blob = new TpmReader(made.credentialBlob());
            assertEquals(digest, blob.tpm2b(64, "outer HMAC").length, "the HMAC has the name algorithm's size");
            assertEquals(2 + secret.length, blob.remaining(), "encIdentity: the secret as a TPM2B_DIGEST");
            if (ek.parameters() instanceof PublicParameters.Rsa) {
                assertEquals(256, made.secret().length, "the OAEP cipher text has the modulus's size");
            } else {
                TpmReader point = new TpmReader(made.secret());
                assertEquals(32, point.tpm2b(66, "x").length);
                assertEquals(32, point.tpm2b(66, "y").length);
                point.expectEnd("ephemeral point");
            }
        }
    }

    @Test
    void theSecretMustFitTheEksNameAlgorithm() throws Exception {
        PublicArea ek = eccEk(TpmAlg.SHA256);
        assertEquals(32, Credentials.maxSecretSize(ek));
        assertEquals(48, Credentials.maxSecretSize(Templates.ekHighRangeEccP384()));
        assertTrue(refused(Input.SECRET, ek, AK_NAME, new byte[33]).getMessage().contains("1 to 32"));
        refused(Input.SECRET, ek, AK_NAME, new byte[0]);
    }

    @Test
    void anAkNameMustBeAHashAndADigestOfItsSize() throws Exception {
        PublicArea ek = eccEk(TpmAlg.SHA256);
        refused(Input.AK_NAME, ek, new byte[0], SECRET);
        refused(Input.AK_NAME, ek, new byte[] {0}, SECRET);
        assertTrue(refused(Input.AK_NAME, ek, HexFormat.of().parseHex("40000001"), SECRET).getMessage()
                .contains("not a hash"), "a handle is no object's Name");
        refused(Input.AK_NAME, ek, HexFormat.of().parseHex("0001" + "11".repeat(32)), SECRET);
        assertTrue(refused(Input.AK_NAME, ek, HexFormat.of().parseHex("000b" + "11".repeat(31)), SECRET).getMessage()
                .contains("33 bytes; a SHA256 Name has 34"));
        refused(Input.AK_NAME, ek, HexFormat.of().parseHex("000b" + "11".repeat(33)), SECRET);
    }

    @Test
    void theEkMustBeARestrictedRsaOrEccDecryptionKeyWithAesCfb() throws Exception {
        assertTrue(refused(Input.EK, Templates.eccAttestationKey(), AK_NAME, SECRET).getMessage()
                .contains("not a restricted decryption key"));
        refused(Input.EK, Templates.hmacKey(), AK_NAME, SECRET);
        refused(Input.EK, Templates.rsaDecryptionKey(), AK_NAME, SECRET);
        PublicArea ecc = eccEk(TpmAlg.SHA256);
        PublicArea noCipher = new PublicArea(ecc.nameAlg(), ecc.attributes(), ecc.authPolicy(), new PublicParameters.Ecc(
                SymmetricDefinition.NULL, Scheme.NULL, Templates.ECC_NIST_P256, Scheme.NULL), ecc.unique());
        assertTrue(refused(Input.EK, noCipher, AK_NAME, SECRET).getMessage().contains("is not AES-CFB"));
        PublicArea rsa = rsaEk();
        PublicArea shortModulus = new PublicArea(rsa.nameAlg(), rsa.attributes(), rsa.authPolicy(), rsa.parameters(),
                new PublicId.Rsa(new byte[255]));
        assertTrue(refused(Input.EK, shortModulus, AK_NAME, SECRET).getMessage().contains("255 bytes"));
    }

    @Test
    void anEkWhosePublicKeyIsNoKeyIsRefused() {
        // The templates' unique fields are zeros: no RSA modulus, and a point that is not on the curve.
        refused(Input.EK, Templates.ekRsa2048(), AK_NAME, SECRET);
        refused(Input.EK, Templates.ekEccP256(), AK_NAME, SECRET);
    }
}
