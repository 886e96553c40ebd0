package io.tpm4j.jca;

import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider does not check signatures in software: every key use carries an HMAC over the key's Name, so a
 * cached handle that has come to name another key (on a TPM shared without a resource manager, or a persistent
 * handle re-used) is refused by the TPM itself. Here the provider talks to swtpm directly, and a test's own
 * connection makes the handle name another key behind its back.
 */
class NameBindingTest {

    private static final byte[] MESSAGE = "whose signature?".getBytes(StandardCharsets.UTF_8);
    private static final int PERSISTENT = 0x81000123;

    private Swtpm swtpm;
    /** The test's own connection to the same TPM. */
    private Tpm raw;
    private CommandCounter atTpm;
    private Tpm4jProvider provider;

    @BeforeEach
    void start() {
        swtpm = Swtpm.startChardev();
        raw = Tpm.on(swtpm.transport()::transmit);
        PlatformHierarchy.DISABLE.startupIfNeeded(raw);
        atTpm = new CommandCounter(swtpm.transport());
        provider = Tpm4jProvider.over(atTpm);
    }

    @AfterEach
    void closeAndCheckNothingLeft() {
        try {
            provider.close();
            assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT), "transient objects left in the TPM");
            assertEquals(List.of(), raw.loadedSessions(), "loaded sessions left in the TPM");
            assertEquals(List.of(), raw.handles(TpmHt.PERSISTENT), "persistent objects left in the TPM");
        } finally {
            swtpm.close();
        }
    }

    private KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
        generator.initialize(TpmKeyGenParameterSpec.ec("P-256").build());
        return generator.generateKeyPair();
    }

    private byte[] sign(PrivateKey key) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA", provider);
        signer.initSign(key);
        signer.update(MESSAGE);
        return signer.sign();
    }

    private static boolean verifies(KeyPair pair, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance("SHA256withECDSA", "SunEC");
        verifier.initVerify(pair.getPublic());
        verifier.update(MESSAGE);
        return verifier.verify(signature);
    }

    /** Loads the provider-made key {@code pair} on the test's own connection, under the provider's SRK. */
    private TpmObject loadBehindTheProvidersBack(KeyPair pair) {
        TpmEcKey key = (TpmEcKey) pair.getPrivate();
        int srk = provider.connection().parent(TpmParent.storageRootKey()).handle();
        return raw.load(srk, Authorization.emptyPassword(), key.privateBlob().orElseThrow(), key.publicArea());
    }

    @Test
    void aCachedHandleNowNamingAnotherKeyIsRefusedByTheTpmAndTheKeyLoadedAgain() throws Exception {
        KeyPair mine = ec();
        KeyPair other = ec();
        assertTrue(verifies(mine, sign(mine.getPrivate())));
        int cached = provider.connection().key((TpmKey) mine.getPrivate()).handle();

        raw.execute(new io.tpm4j.api.commands.FlushContext(cached));
        try (TpmObject impostor = loadBehindTheProvidersBack(other)) {
            assertEquals(cached, impostor.handle(), "the TPM gave the freed handle to the other key");
            atTpm.reset();
            byte[] signature = sign(mine.getPrivate());
            assertTrue(verifies(mine, signature), "signed by the provider's key, not by the key now at its old handle");
            assertEquals(Map.of("TPM2_Sign", 2L, "TPM2_ReadPublic", 1L, "TPM2_Load", 1L), atTpm.byCode(),
                    "the TPM refused the first TPM2_Sign (the HMAC binds the Name), a look at the handle, a reload");
        }
    }

    @Test
    void aPersistentHandleNowHoldingAnotherKeyIsRefusedWithAReason() throws Exception {
        KeyPair mine = ec();
        KeyPair other = ec();
        try (TpmObject loaded = loadBehindTheProvidersBack(mine)) {
            raw.persist(loaded, PERSISTENT);
        }
        try {
            KeyStore store = KeyStore.getInstance("TPM", provider);
            store.load(null, null);
            PrivateKey atHandle = (PrivateKey) store.getKey("handle:0x" + Integer.toHexString(PERSISTENT), null);
            assertTrue(verifies(mine, sign(atHandle)));

            raw.evict(PERSISTENT);
            try (TpmObject loaded = loadBehindTheProvidersBack(other)) {
                raw.persist(loaded, PERSISTENT);
            }
            atTpm.reset();
            SignatureException e = assertThrows(SignatureException.class, () -> sign(atHandle));
            assertTrue(e.getMessage().contains("no longer holds"), e.getMessage());
            assertEquals(Map.of("TPM2_Sign", 1L, "TPM2_ReadPublic", 1L), atTpm.byCode(),
                    "refused by the TPM, not signed by the other key");
        } finally {
            raw.evict(PERSISTENT);
        }
    }
}
