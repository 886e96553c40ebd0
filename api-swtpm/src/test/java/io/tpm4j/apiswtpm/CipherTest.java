package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.nio.charset.StandardCharsets;
import java.security.spec.MGF1ParameterSpec;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RSA-OAEP to and from JCA, and hash sequences longer than one command, against swtpm. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CipherTest extends WithSrk {


    @Test
    void rsaOaepInteroperatesWithJca() throws Exception {
        byte[] secret = "a key to wrap".getBytes(StandardCharsets.UTF_8);
        try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.rsaDecryptionKey()))) {
            Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
            oaep.init(Cipher.ENCRYPT_MODE, PublicKeys.toPublicKey(key.publicArea()), new OAEPParameterSpec("SHA-256",
                    "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            assertArrayEquals(secret, tpm.rsaDecrypt(key, oaep.doFinal(secret)), "JCA encrypts, the TPM decrypts");
            assertArrayEquals(secret, tpm.rsaDecrypt(key, tpm.rsaEncrypt(key, secret)), "round trip in the TPM");
            byte[] garbage = new byte[256];
            garbage[0] = 1;
            // The spec allows TPM_RC_VALUE here; libtpms answers a bad padding with TPM_RC_FAILURE and carries on.
            TpmResponseException e = assertThrows(TpmResponseException.class, () -> tpm.rsaDecrypt(key, garbage));
            assertTrue(e.is(TpmRc.VALUE) || e.is(TpmRc.FAILURE), e.getMessage());
            assertArrayEquals(secret, tpm.rsaDecrypt(key, oaep.doFinal(secret)), "the TPM still decrypts afterwards");
        }
    }

    @Test
    void hashSequenceOfManyPiecesMatchesJava() {
        byte[] data = new byte[5000];
        new Random(3).nextBytes(data);
        for (TpmAlg alg : List.of(TpmAlg.SHA256, TpmAlg.SHA384)) {
            assertArrayEquals(Names.digest(alg).digest(data), tpm.hashSequence(alg, data), alg.toString());
        }
        assertArrayEquals(Names.digest(TpmAlg.SHA256).digest(new byte[0]), tpm.hashSequence(TpmAlg.SHA256, new byte[0]));
    }
}
