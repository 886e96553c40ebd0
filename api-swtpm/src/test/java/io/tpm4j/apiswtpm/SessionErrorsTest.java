package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmIntegrityException;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Clear;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sessions used wrongly get a clear exception before anything is sent, and a changed SRK is refused. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionErrorsTest extends WithFreshTpm {

    @Test
    void misusedSessionsAreRefusedBeforeSending() {
        try (AuthSession plain = tpm.startSession(Session.hmac(TpmAlg.SHA256));
             AuthSession encrypt = tpm.startSession(Session.hmac(TpmAlg.SHA256).encrypted());
             AuthSession encryptToo = tpm.startSession(Session.hmac(TpmAlg.SHA256).encrypted())) {
            IllegalArgumentException idle = assertThrows(IllegalArgumentException.class,
                    () -> tpm.execute(new GetRandom(8), plain));
            assertTrue(idle.getMessage().contains("must encrypt or audit"), idle.getMessage());
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> tpm.execute(new GetRandom(8), encrypt, encryptToo));
            assertTrue(twice.getMessage().contains("only one may have it"), twice.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Authorization.policy(plain));
        }
        try (AuthSession policy = tpm.startSession(Session.policy(TpmAlg.SHA256))) {
            assertThrows(IllegalArgumentException.class, () -> Authorization.session(policy, new byte[0]));
        }
        AuthSession ended = tpm.startSession(Session.hmac(TpmAlg.SHA256).encrypted());
        ended.close();
        IllegalStateException gone = assertThrows(IllegalStateException.class, () -> tpm.execute(new GetRandom(8), ended));
        assertTrue(gone.getMessage().contains("has ended"), gone.getMessage());
        assertEquals(List.of(), CallerSessions.loaded(tpm));
    }

    @Test
    void sessionTypesAreNotListedByHandleType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tpm.handles(TpmHt.POLICY_SESSION));
        assertTrue(e.getMessage().contains("loadedSessions()"), e.getMessage());
    }

    @Test
    void aStorageRootKeyThatChangedIsRefused() {
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject hmacKey = tpm.load(srk, tpm.create(srk, Templates.hmacKey()))) {
            assertEquals(32, tpm.hmac(hmacKey, new byte[16]).length); // the default SRK's Name is kept here
        }
        tpm.execute(new Clear(TpmRh.LOCKOUT, Authorization.emptyPassword())); // a new owner seed: another SRK
        // The live session stays good (its salt went to the SRK trusted then); the check is made when one starts.
        tpm.secretChannelSessions().forEach(h -> tpm.execute(new FlushContext(h)));
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             TpmObject hmacKey = tpm.load(srk, tpm.create(srk, Templates.hmacKey()))) {
            TpmIntegrityException e = assertThrows(TpmIntegrityException.class, () -> tpm.hmac(hmacKey, new byte[16]));
            assertTrue(e.getMessage().contains("Name changed"), e.getMessage());
        }
        assertEquals(List.of(), CallerSessions.loaded(tpm));
    }
}
