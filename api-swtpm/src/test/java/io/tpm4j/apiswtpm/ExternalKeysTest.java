package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.CreateLoaded;
import io.tpm4j.api.commands.EncryptDecrypt2;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.LoadExternal;
import io.tpm4j.api.commands.VerifySignature;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys from outside (LoadExternal), CreateLoaded, and AES in the TPM against JCA. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExternalKeysTest extends WithSrk {

    private static final Authorization EMPTY = Authorization.emptyPassword();

    @Test
    void theTpmVerifiesASignatureMadeByJca() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        byte[] message = "signed outside the TPM".getBytes();
        java.security.Signature jca = java.security.Signature.getInstance("SHA256withECDSA");
        jca.initSign(pair.getPrivate());
        jca.update(message);
        Signature signature = Signatures.fromJcaEcdsa(jca.sign(), TpmAlg.SHA256, 32);
        PublicArea external = PublicKeys.toPublicArea(pair.getPublic(), TpmAlg.SHA256);
        LoadExternal.Response loaded = tpm.execute(new LoadExternal(external, TpmRh.NULL));
        try {
            assertArrayEquals(external.name(), loaded.name());
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(message);
            tpm.execute(new VerifySignature(loaded.objectHandle(), digest, signature));
            byte[] other = MessageDigest.getInstance("SHA-256").digest("something else".getBytes());
            assertTrue(assertThrows(TpmResponseException.class,
                    () -> tpm.execute(new VerifySignature(loaded.objectHandle(), other, signature))).is(TpmRc.SIGNATURE));
        } finally {
            tpm.execute(new FlushContext(loaded.objectHandle()));
        }
    }

    @Test
    void createLoadedInOneCommand() {
        CreateLoaded.Response r = tpm.execute(new CreateLoaded(srk.handle(), EMPTY, SensitiveCreate.EMPTY,
                Templates.eccSigningKey()));
        try {
            assertArrayEquals(r.outPublic().name(), r.name());
            assertTrue(r.outPrivate().length > 0);
        } finally {
            tpm.execute(new FlushContext(r.objectHandle()));
        }
    }

    @Test
    void aesCfbMatchesJca() throws Exception {
        byte[] key = new byte[16];
        new Random(5).nextBytes(key);
        PublicArea aes = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.USER_WITH_AUTH,
                ObjectAttributes.DECRYPT, ObjectAttributes.SIGN_ENCRYPT), new byte[0],
                new PublicParameters.SymCipher(SymmetricDefinition.AES_128_CFB), new PublicId.Digest(new byte[0]));
        try (TpmObject loaded = tpm.load(srk, tpm.execute(new io.tpm4j.api.commands.Create(srk.handle(), EMPTY,
                new SensitiveCreate(new byte[0], key), aes, new byte[0], List.of())))) {
            byte[] iv = new byte[16];
            byte[] plain = "forty-two bytes of data to encrypt with AES".getBytes();
            byte[] cipher = tpm.execute(new EncryptDecrypt2(loaded.handle(), EMPTY, plain, false, TpmAlg.NULL.value(), iv))
                    .outData();
            Cipher jca = Cipher.getInstance("AES/CFB/NoPadding");
            jca.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            assertArrayEquals(jca.doFinal(plain), cipher);
            assertArrayEquals(plain, tpm.execute(new EncryptDecrypt2(loaded.handle(), EMPTY, cipher, true,
                    TpmAlg.NULL.value(), iv)).outData());
        }
    }
}
