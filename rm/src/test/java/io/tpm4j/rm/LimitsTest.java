package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-space quotas, the bound on abandoned sessions, and the TPM's command size, all refused by the RM itself. */
class LimitsTest extends WithResourceManager {

    @Override
    ResourceManager.Options options() {
        return ResourceManager.Options.defaults().withQuotas(2, 1).withMaxAbandonedSessions(2);
    }

    @Test
    void aSpaceBeyondItsObjectQuotaIsRefusedWithoutTouchingTheTpm() {
        try (Space space = rm.openSpace("greedy")) {
            Tpm tpm = Tpm.on(space);
            TpmObject first = tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
            TpmObject second = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
            SavedContext saved = tpm.execute(new ContextSave(first.handle())).context();
            RmCounters before = space.counters();
            TpmResponseException e = assertThrows(TpmResponseException.class,
                    () -> tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey()));
            assertEquals(11, e.responseCode().layer());
            assertTrue(e.is(TpmRc.OBJECT_MEMORY), e.getMessage());
            TpmResponseException load = assertThrows(TpmResponseException.class,
                    () -> tpm.execute(new ContextLoad(saved)));
            assertTrue(load.is(TpmRc.OBJECT_MEMORY), load.getMessage());
            assertEquals(0, space.counters().minus(before).tpmCommands());
            // Another space has its own quota.
            try (Space other = rm.openSpace("other")) {
                Tpm.on(other).createPrimary(TpmRh.OWNER, Templates.eccSigningKey()).close();
            }
            first.close();
            tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey()).close();
            second.close();
        }
    }

    @Test
    void aSpaceBeyondItsSessionQuotaIsRefused() {
        try (Space space = rm.openSpace("sessions")) {
            Tpm tpm = Tpm.on(space);
            try (AuthSession only = tpm.startSession(Session.hmac(TpmAlg.SHA256))) {
                TpmResponseException e = assertThrows(TpmResponseException.class,
                        () -> tpm.startSession(Session.policy(TpmAlg.SHA256)));
                assertEquals(11, e.responseCode().layer());
                assertTrue(e.is(TpmRc.SESSION_MEMORY), e.getMessage());
                assertTrue(only.handle() != 0);
            }
            tpm.startSession(Session.policy(TpmAlg.SHA256)).close();
        }
    }

    @Test
    void sessionsThatClientsSavedAndAbandonedAreBounded() {
        List<Integer> abandoned = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (Space space = rm.openSpace("abandoning-" + i)) {
                Tpm tpm = Tpm.on(space);
                AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256));
                tpm.execute(new ContextSave(session.handle()));
                abandoned.add(session.handle());
            }
        }
        // The bound is two: the two oldest were flushed, the two newest wait for whoever has their contexts.
        assertEquals(abandoned.subList(2, 4).stream().sorted().toList(), raw.savedSessions());
    }

    @Test
    void commandsLargerThanTheTpmTakesAreRefused() {
        try (Space space = rm.openSpace("large")) {
            int maxCommand = Tpm.on(space).allProperties().get(io.tpm4j.api.types.TpmPt.MAX_COMMAND_SIZE.value());
            byte[] tooLarge = new byte[maxCommand + 1];
            byte[] header = new TpmWriter().u16(0x8001).u32(tooLarge.length).u32(0x17B).toByteArray();
            System.arraycopy(header, 0, tooLarge, 0, header.length);
            RmTesting.assertRmRefusal(space.transmit(tooLarge), "TPM_RC_COMMAND_SIZE");
        }
    }
}
