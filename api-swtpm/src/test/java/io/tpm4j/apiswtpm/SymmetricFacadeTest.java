package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.types.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The facade's HMAC, symmetric encryption and certification. The keys are imported with known bytes
 * (sensitiveDataOrigin clear), so JCA computes the same results; data longer than a TPM buffer is chunked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SymmetricFacadeTest extends WithSrk {

    private static final Authorization EMPTY = Authorization.emptyPassword();

    /** {@code template} with the caller's key bytes instead of TPM-generated ones. */
    private static TpmObject loadWithKey(PublicArea template, byte[] key) {
        PublicArea known = new PublicArea(template.nameAlg(), new ObjectAttributes(template.attributes().raw()
                & ~ObjectAttributes.SENSITIVE_DATA_ORIGIN), template.authPolicy(), template.parameters(), template.unique());
        Create.Response created = tpm.execute(new Create(srk.handle(), EMPTY, new SensitiveCreate(new byte[0], key), known,
                new byte[0], List.of()));
        return tpm.load(srk, created);
    }

    private static byte[] data(int length) {
        byte[] out = new byte[length];
        new Random(length).nextBytes(out);
        return out;
    }

    @Test
    void hmacMatchesJcaForShortAndLongData() throws Exception {
        byte[] key = data(32);
        Mac jca = Mac.getInstance("HmacSHA256");
        jca.init(new SecretKeySpec(key, "HmacSHA256"));
        try (TpmObject hmacKey = loadWithKey(Templates.hmacKey(), key)) {
            for (int length : new int[] {0, 100, 1024, 1025, 5000}) {
                byte[] message = data(length);
                assertArrayEquals(jca.doFinal(message), tpm.hmac(hmacKey, message), length + " bytes");
            }
        }
    }

    @Test
    void aesCfbMatchesJcaAcrossChunks() throws Exception {
        byte[] key = data(16);
        byte[] iv = data(16);
        byte[] plain = data(3000);
        Cipher jca = Cipher.getInstance("AES/CFB/NoPadding");
        jca.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        byte[] expected = jca.doFinal(plain);
        try (TpmObject aes = loadWithKey(Templates.aesCfbKey(128), key)) {
            byte[] cipherText = tpm.encrypt(aes, iv, plain);
            assertArrayEquals(expected, cipherText);
            assertArrayEquals(plain, tpm.decrypt(aes, iv, cipherText));
        }
    }

    @Test
    void generatedAesKeyRoundTrips() {
        try (TpmObject aes = tpm.load(srk, tpm.create(srk, Templates.aesCfbKey(256)))) {
            byte[] iv = new byte[16];
            byte[] plain = data(100);
            assertArrayEquals(plain, tpm.decrypt(aes, iv, tpm.encrypt(aes, iv, plain)));
        }
    }

    @Test
    void certifyAttestsTheObjectsName() throws Exception {
        try (TpmObject ak = tpm.load(srk, tpm.create(srk, Templates.eccAttestationKey()))) {
            SignedAttest r = tpm.certify(srk, ak, "nonce".getBytes());
            assertEquals(Attest.ST_ATTEST_CERTIFY, r.attest().type());
            assertArrayEquals(srk.name(), ((Attest.Certify) r.attest().attested()).name());
            assertTrue(Signatures.verify(PublicKeys.toPublicKey(ak.publicArea()), r.signature(), r.attest().bytes()));
        }
    }
}
