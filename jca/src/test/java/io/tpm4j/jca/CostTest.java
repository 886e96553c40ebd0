package io.tpm4j.jca;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the provider costs at the TPM, counted behind the resource manager: the storage root key is created once per
 * provider, each key loaded once, and in steady state one {@code Signature.sign} is exactly one TPM2_Sign, with or
 * without a password.
 */
class CostTest extends WithProvider {

    private static final int SIGNATURES = 100;
    private static final byte[] MESSAGE = "counted".getBytes(StandardCharsets.UTF_8);

    private void signMany(Signature signer, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            signer.update(MESSAGE);
            signer.sign();
        }
    }

    @Test
    void oneSignatureIsOneTpm2SignAndTheSrkAndEachKeyAreMadeReadyOnce() throws Exception {
        atTpm.reset();
        KeyPair first = ec("P-256");
        KeyPair second = ec("P-256");
        assertEquals(Map.of("TPM2_ReadPublic", 1L, "TPM2_CreatePrimary", 1L, "TPM2_Create", 2L,
                "TPM2_StartAuthSession", 1L), atTpm.byCode(), "two keys: a look for a persistent SRK at 0x81000001 and "
                + "the SRK created once, one salted session, one TPM2_Create each");

        Signature signer = Signature.getInstance("SHA256withECDSA", provider);
        signer.initSign(first.getPrivate());
        atTpm.reset();
        signMany(signer, 1);
        assertEquals(Map.of("TPM2_Load", 1L, "TPM2_Sign", 1L), atTpm.byCode(), "the first use loads the key");
        atTpm.reset();
        signMany(signer, SIGNATURES);
        assertEquals(Map.of("TPM2_Sign", (long) SIGNATURES), atTpm.byCode(), "steady state");

        Signature other = Signature.getInstance("SHA256withECDSA", provider);
        other.initSign(second.getPrivate());
        atTpm.reset();
        signMany(other, SIGNATURES);
        assertEquals(Map.of("TPM2_Load", 1L, "TPM2_Sign", (long) SIGNATURES), atTpm.byCode(),
                "a second key: loaded once under the SRK made before");
    }

    @Test
    void aPasswordKeySignsWithOneTpm2SignInTheKeptSaltedSession() throws Exception {
        char[] password = "correct horse".toCharArray();
        KeyPair pair = generate("EC", TpmKeyGenParameterSpec.ec("P-256").password(password).build());
        Signature signer = Signature.getInstance("SHA256withECDSA", provider);
        signer.initSign(pair.getPrivate());
        signMany(signer, 1);
        atTpm.reset();
        signMany(signer, SIGNATURES);
        assertEquals(Map.of("TPM2_Sign", (long) SIGNATURES), atTpm.byCode());

        // The same key with a wrong password: the TPM refuses it (and the provider says so).
        TpmEcKey key = (TpmEcKey) pair.getPrivate();
        TpmKey wrong = provider.loadableKey(key.publicArea(), key.privateBlob().orElseThrow(),
                key.parent().orElseThrow(), "wrong".toCharArray(), null);
        Signature refused = Signature.getInstance("SHA256withECDSA", provider);
        refused.initSign((java.security.PrivateKey) wrong);
        refused.update(MESSAGE);
        java.security.SignatureException e = assertThrows(java.security.SignatureException.class, refused::sign);
        assertTrue(e.getMessage().contains("AUTH_FAIL") || e.getMessage().contains("BAD_AUTH"), e.getMessage());

        key.destroy();
        assertTrue(key.isDestroyed());
        assertThrows(java.security.InvalidKeyException.class, () -> signer.initSign(key));
    }

    @Test
    void aKeyFlushedBehindTheProvidersBackIsLoadedAgainOnce() throws Exception {
        KeyPair pair = ec("P-256");
        Signature signer = Signature.getInstance("SHA256withECDSA", provider);
        signer.initSign(pair.getPrivate());
        signMany(signer, 1);
        TpmConnection connection = provider.connection();
        int handle = connection.key((TpmKey) pair.getPrivate()).handle();
        connection.tpm().execute(new io.tpm4j.api.commands.FlushContext(handle));
        atTpm.reset();
        signMany(signer, 2);
        Signature verifier = Signature.getInstance("SHA256withECDSA", "SunEC");
        verifier.initVerify(pair.getPublic());
        signer.update(MESSAGE);
        byte[] signature = signer.sign();
        verifier.update(MESSAGE);
        assertTrue(verifier.verify(signature));
        assertEquals(1L, atTpm.byCode().get("TPM2_Load"), "loaded again once");
    }
}
