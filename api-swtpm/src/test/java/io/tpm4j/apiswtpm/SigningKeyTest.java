package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys that never leave the TPM: create under the SRK, load, sign, and verify with JCA alone and with the TPM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SigningKeyTest extends WithSrk {

    private static final byte[] MESSAGE = "signed by a key that never left the TPM".getBytes(StandardCharsets.UTF_8);


    private static void signAndVerify(PublicArea template) throws Exception {
        Create.Response created = tpm.create(srk, template);
        try (TpmObject key = tpm.load(srk, created)) {
            assertArrayEquals(created.outPublic().name(), key.name());
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
            Signature signature = tpm.sign(key, digest);

            java.security.PublicKey publicKey = PublicKeys.toPublicKey(key.publicArea());
            assertTrue(Signatures.verify(publicKey, signature, MESSAGE), "JCA verifies the TPM's signature");
            assertFalse(Signatures.verify(publicKey, signature, "another message".getBytes(StandardCharsets.UTF_8)),
                    "and rejects it for another message");

            assertEquals(io.tpm4j.api.types.TpmSt.VERIFIED.value(), tpm.verifySignature(key, digest, signature).tag());
            byte[] otherDigest = MessageDigest.getInstance("SHA-256").digest("other".getBytes(StandardCharsets.UTF_8));
            TpmResponseException e = assertThrows(TpmResponseException.class,
                    () -> tpm.verifySignature(key, otherDigest, signature));
            assertTrue(e.is(TpmRc.SIGNATURE), e.getMessage());
        }
    }

    @Test
    void eccP256() throws Exception {
        signAndVerify(Templates.eccSigningKey());
    }

    @Test
    void rsa2048() throws Exception {
        signAndVerify(Templates.rsaSigningKey());
    }

    @Test
    void rsaPssVerifiesWithJcaWhateverSaltTheTpmChose() throws Exception {
        io.tpm4j.api.types.PublicParameters.Rsa rsa = (io.tpm4j.api.types.PublicParameters.Rsa) Templates.rsaSigningKey().parameters();
        PublicArea pss = new PublicArea(TpmAlg.SHA256, Templates.rsaSigningKey().attributes(), new byte[0],
                new io.tpm4j.api.types.PublicParameters.Rsa(rsa.symmetric(),
                        io.tpm4j.api.types.Scheme.of(TpmAlg.RSAPSS, TpmAlg.SHA256), 2048, 0),
                new io.tpm4j.api.types.PublicId.Rsa(new byte[0]));
        try (TpmObject key = tpm.load(srk, tpm.create(srk, pss))) {
            Signature signature = tpm.sign(key, MessageDigest.getInstance("SHA-256").digest(MESSAGE));
            assertEquals(TpmAlg.RSAPSS.value(), signature.sigAlg());
            java.security.PublicKey publicKey = PublicKeys.toPublicKey(key.publicArea());
            assertTrue(Signatures.verify(publicKey, signature, MESSAGE));
            assertFalse(Signatures.verify(publicKey, signature, "tampered".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aLoadedObjectFlushedTwiceIsFlushedOnce() {
        TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()));
        key.close();
        key.close();
    }
}
