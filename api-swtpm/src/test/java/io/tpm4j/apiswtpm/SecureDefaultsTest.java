package io.tpm4j.apiswtpm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.Duplicate;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.commands.Unseal;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The facade encrypts secrets by default: every byte of NV writes and reads, HMACs and symmetric
 * encryption is recorded, and the secrets (data, index passwords, keys' outputs) never appear in clear,
 * with the default SRK or a salt key the caller names. Turning encryption off shows them, so the check
 * can fail.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecureDefaultsTest extends WithSrk {

    private static final byte[] NV_SECRET = "nv contents nobody may sniff".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INDEX_PASSWORD = "index password".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PLAINTEXT = "plaintext for the AES key, two blocks".getBytes(StandardCharsets.UTF_8);
    private static final int INDEX = 0x01500400;

    private WireRecorder wire;
    /** The facade over the recorder: closed after each test, which flushes its secret channel. */
    private Tpm recordedTpm;

    @AfterEach
    void nothingLeft() {
        if (recordedTpm != null) {
            recordedTpm.close(); // the recorder's close leaves the TPM's transport open
        }
        assertEquals(List.of(), CallerSessions.loaded(tpm));
        assertEquals(List.of(), tpm.handles(TpmHt.NV_INDEX));
    }

    private Tpm recorded() {
        wire = new WireRecorder(tpm.transport());
        recordedTpm = Tpm.on(wire);
        return recordedTpm;
    }

    private boolean inClear(byte[] secret) {
        return wire.saw(secret);
    }

    /** NV define, write and read with an index password; HMAC; AES encryption. Returns the AES result. */
    private void useSecrets(Tpm t) {
        t.nvDefine(new NvPublic(INDEX, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.AUTHREAD,
                NvAttributes.AUTHWRITE, NvAttributes.NO_DA), new byte[0], NV_SECRET.length), INDEX_PASSWORD);
        try {
            Authorization password = Authorization.password(INDEX_PASSWORD);
            t.nvWrite(INDEX, password, NV_SECRET);
            assertArrayEquals(NV_SECRET, t.nvRead(INDEX, password));
        } finally {
            t.nvUndefine(INDEX);
        }
        try (TpmObject aes = t.load(srk, t.create(srk, Templates.aesCfbKey(128)))) {
            byte[] cipher = t.encrypt(aes, new byte[16], PLAINTEXT);
            assertArrayEquals(PLAINTEXT, t.decrypt(aes, new byte[16], cipher));
        }
        try (TpmObject hmacKey = t.load(srk, t.create(srk, Templates.hmacKey()))) {
            assertEquals(32, t.hmac(hmacKey, NV_SECRET).length);
        }
    }

    @Test
    void secretsAreEncryptedWithTheDefaultSrk() {
        useSecrets(recorded());
        assertFalse(inClear(NV_SECRET), "NV contents and HMAC data");
        assertFalse(inClear(INDEX_PASSWORD), "the index password");
        assertFalse(inClear(PLAINTEXT), "the plaintext");
    }

    @Test
    void secretsAreEncryptedToAKeyTheCallerNames() {
        useSecrets(recorded().encryptingTo(srk));
        assertFalse(inClear(NV_SECRET));
        assertFalse(inClear(INDEX_PASSWORD));
        assertFalse(inClear(PLAINTEXT));
    }

    @Test
    void sensitiveDataAndChangedAuthValuesTravelEncrypted() {
        byte[] sealed = "sealed with a password".getBytes(StandardCharsets.UTF_8);
        byte[] oldAuth = "old object password".getBytes(StandardCharsets.UTF_8);
        byte[] newAuth = "new object password".getBytes(StandardCharsets.UTF_8);
        Tpm t = recorded();
        PublicArea template = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
                ObjectAttributes.FIXED_PARENT, ObjectAttributes.USER_WITH_AUTH, ObjectAttributes.NO_DA), new byte[0],
                Templates.sealedData().parameters(), Templates.sealedData().unique());
        Create.Response created = t.create(srk, template, new SensitiveCreate(oldAuth, sealed));
        byte[] changed;
        try (TpmObject object = t.load(srk, created)) {
            changed = t.changeAuth(object, srk, oldAuth, newAuth);
        }
        try (TpmObject object = tpm.load(srk, new Create.Response(changed, created.outPublic(), new byte[0], new byte[0],
                Sign.nullTicket()))) {
            assertArrayEquals(sealed, tpm.execute(new Unseal(object.handle(),
                    Authorization.password(newAuth))).outData(), "the new password unseals (checked off the record)");
        }
        assertFalse(inClear(sealed));
        assertFalse(inClear(oldAuth));
        assertFalse(inClear(newAuth));
    }

    @Test
    void duplicationsInnerWrapperKeyTravelsEncrypted() throws Exception {
        Tpm t = recorded().encryptingTo(srk);
        PublicArea duplicable = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.SENSITIVE_DATA_ORIGIN,
                ObjectAttributes.USER_WITH_AUTH, ObjectAttributes.SIGN_ENCRYPT), DuplicationTest.commandCodePolicy(
                TpmCc.DUPLICATE), Templates.eccSigningKey().parameters(), Templates.eccSigningKey().unique());
        Create.Response created = t.create(srk, duplicable);
        try (TpmObject parent = t.load(srk, t.create(srk, Templates.srkEccP256()))) {
            Duplicate.Response duplicate;
            try (TpmObject key = t.load(srk, created);
                 AuthSession policy = t.startSession(Session.policy(TpmAlg.SHA256))) {
                t.execute(new PolicyCommandCode(policy.handle(),
                        TpmCc.DUPLICATE.value()));
                duplicate = t.duplicate(key, Authorization.policy(policy), parent);
            }
            try (TpmObject moved = t.load(parent, t.importDuplicate(parent, created.outPublic(), duplicate))) {
                assertArrayEquals(created.outPublic().name(), moved.name());
            }
            assertEquals(16, duplicate.encryptionKeyOut().length);
            assertFalse(inClear(duplicate.encryptionKeyOut()), "the inner wrapper key");
        }
    }

    @Test
    void withoutParameterEncryptionTheSameSecretsShow() {
        useSecrets(recorded().withoutParameterEncryption());
        assertTrue(inClear(NV_SECRET));
        assertTrue(inClear(INDEX_PASSWORD));
        assertTrue(inClear(PLAINTEXT));
    }
}
