package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.CreatePrimary;
import io.tpm4j.api.commands.DictionaryAttackLockReset;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetTestResult;
import io.tpm4j.api.commands.HierarchyChangeAuth;
import io.tpm4j.api.commands.Hmac;
import io.tpm4j.api.commands.Load;
import io.tpm4j.api.commands.PcrReset;
import io.tpm4j.api.commands.SelfTest;
import io.tpm4j.api.commands.Shutdown;
import io.tpm4j.api.commands.StirRandom;
import io.tpm4j.api.commands.Unseal;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.types.TpmSu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Typed commands beyond the facade's daily calls, each run against swtpm through Tpm.execute. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MoreCommandsTest extends WithSrk {

    private static final Authorization EMPTY = Authorization.emptyPassword();

    private TpmObject createAndLoad(SensitiveCreate sensitive, PublicArea template) {
        Create.Response created = tpm.execute(new Create(srk.handle(), EMPTY, sensitive, template, new byte[0], List.of()));
        return tpm.load(srk, created);
    }

    @Test
    void selfTestAndItsResult() {
        tpm.execute(new SelfTest(true));
        assertEquals(0, tpm.execute(new GetTestResult()).testResult());
        tpm.execute(new StirRandom("entropy from the caller".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void resettablePcrGoesBackToZero() {
        tpm.pcrEvent(16, "something".getBytes(StandardCharsets.UTF_8));
        tpm.execute(new PcrReset(16, EMPTY));
        assertArrayEquals(new byte[32], tpm.pcrValues(TpmAlg.SHA256, 16).get(16));
    }

    @Test
    void sealAndUnseal() {
        byte[] secret = "the sealed secret".getBytes(StandardCharsets.UTF_8);
        byte[] auth = "object password".getBytes(StandardCharsets.UTF_8);
        try (TpmObject sealed = createAndLoad(new SensitiveCreate(auth, secret), Templates.sealedData())) {
            assertArrayEquals(secret, tpm.execute(new Unseal(sealed.handle(), Authorization.password(auth))).outData());
            TpmResponseException e = assertThrows(TpmResponseException.class,
                    () -> tpm.execute(new Unseal(sealed.handle(), Authorization.password("wrong".getBytes()))));
            assertTrue(e.is(TpmRc.AUTH_FAIL) || e.is(TpmRc.BAD_AUTH), e.getMessage());
        }
        tpm.execute(new DictionaryAttackLockReset(TpmRh.LOCKOUT, EMPTY));
    }

    @Test
    void hmacWithAKeyWeChoseMatchesJava() throws Exception {
        byte[] key = "an HMAC key chosen by the caller".getBytes(StandardCharsets.UTF_8);
        PublicArea template = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
                ObjectAttributes.FIXED_PARENT, ObjectAttributes.USER_WITH_AUTH, ObjectAttributes.SIGN_ENCRYPT),
                new byte[0], new PublicParameters.KeyedHash(Scheme.of(TpmAlg.HMAC, TpmAlg.SHA256)),
                new PublicId.Digest(new byte[0]));
        byte[] data = "message".getBytes(StandardCharsets.UTF_8);
        try (TpmObject hmacKey = createAndLoad(new SensitiveCreate(new byte[0], key), template)) {
            byte[] tpmHmac = tpm.execute(new Hmac(hmacKey.handle(), EMPTY, data, TpmAlg.NULL.value())).outHmac();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            assertArrayEquals(mac.doFinal(data), tpmHmac);
        }
        try (TpmObject generated = createAndLoad(SensitiveCreate.EMPTY, Templates.hmacKey())) {
            assertEquals(32, tpm.execute(new Hmac(generated.handle(), EMPTY, data, TpmAlg.SHA256.value())).outHmac().length);
        }
    }

    @Test
    void contextSaveAndLoadKeepTheName() {
        TpmObject key = createAndLoad(SensitiveCreate.EMPTY, Templates.eccSigningKey());
        SavedContext saved = tpm.execute(new ContextSave(key.handle())).context();
        assertTrue(TpmHt.TRANSIENT.contains(saved.savedHandle()), saved.toString());
        key.close();
        int reloaded = tpm.execute(new ContextLoad(saved)).loadedHandle();
        try {
            assertArrayEquals(key.name(), tpm.readPublic(reloaded).name());
        } finally {
            tpm.execute(new FlushContext(reloaded));
        }
    }

    @Test
    void ownerPasswordChangesAndIsRequired() {
        byte[] owner = "owner password".getBytes(StandardCharsets.UTF_8);
        tpm.execute(new HierarchyChangeAuth(TpmRh.OWNER, EMPTY, owner));
        try {
            TpmResponseException e = assertThrows(TpmResponseException.class, () -> tpm.execute(new CreatePrimary(
                    TpmRh.OWNER, EMPTY, SensitiveCreate.EMPTY, Templates.srkEccP256(), new byte[0], List.of())));
            assertTrue(e.is(TpmRc.AUTH_FAIL) || e.is(TpmRc.BAD_AUTH), e.getMessage());
            CreatePrimary.Response ok = tpm.execute(new CreatePrimary(TpmRh.OWNER, Authorization.password(owner),
                    SensitiveCreate.EMPTY, Templates.srkEccP256(), new byte[0], List.of()));
            tpm.execute(new FlushContext(ok.objectHandle()));
        } finally {
            tpm.execute(new HierarchyChangeAuth(TpmRh.OWNER, Authorization.password(owner), new byte[0]));
        }
    }

    @Test
    void shutdownStateIsAccepted() {
        try (StartedTpm other = StartedTpm.start()) {
            other.tpm.execute(new Shutdown(TpmSu.STATE));
        }
    }
}
