package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The facade's secret channel through tpm4j's resource manager: its session, kept across calls, is swapped out
 * when other spaces need the TPM's few session slots and comes back by itself; flushed behind the facade's back,
 * it is replaced once.
 */
class SecretChannelThroughRmTest extends WithResourceManager {

    @Test
    void theChannelsSessionSurvivesBeingSwappedOutForOtherSpaces() {
        try (Space mine = rm.openSpace("channel"); Tpm tpm = Tpm.on(mine)) {
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
                 TpmObject key = tpm.load(srk, tpm.create(srk, Templates.hmacKey()))) {
                byte[] expected = tpm.hmac(key, "data".getBytes());
                List<Integer> channel = tpm.secretChannelSessions();
                assertEquals(1, channel.size());

                List<Space> others = new ArrayList<>();
                List<AuthSession> theirs = new ArrayList<>();
                try {
                    for (int i = 0; i < 3; i++) {   // swtpm has 3 session slots: these take them all
                        Space other = rm.openSpace("other " + i);
                        others.add(other);
                        theirs.add(Tpm.on(other).startSession(Session.hmac(TpmAlg.SHA256)));
                    }
                    RmCounters before = mine.counters();
                    assertArrayEquals(expected, tpm.hmac(key, "data".getBytes()));
                    RmCounters spent = mine.counters().minus(before);
                    assertEquals(1, spent.clientCommands(), "one client command: " + spent);
                    assertTrue(spent.contextLoads() >= 1, "the channel's session came back from a saved context: " + spent);
                    assertEquals(channel, tpm.secretChannelSessions(), "the same session, not a new one");
                } finally {
                    theirs.forEach(AuthSession::close);
                    others.forEach(Space::close);
                }
            }
        }
    }

    @Test
    void aChannelSessionFlushedInTheSpaceIsReplacedOnce() {
        try (Space mine = rm.openSpace("channel"); Tpm tpm = Tpm.on(mine)) {
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
                 TpmObject key = tpm.load(srk, tpm.create(srk, Templates.hmacKey()))) {
                byte[] expected = tpm.hmac(key, "data".getBytes());
                int first = tpm.secretChannelSessions().getFirst();
                tpm.execute(new FlushContext(first));
                assertArrayEquals(expected, tpm.hmac(key, "data".getBytes()));
                assertEquals(1, tpm.secretChannelSessions().size());
            }
        }
    }
}
