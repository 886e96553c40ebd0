package io.tpm4j.rm.hostile;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.rm.server.RmServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, point 4: a connection that sends nothing for the idle timeout is closed, and what it held in the
 * TPM is flushed; a connection that keeps sending commands is not.
 */
class IdleConnectionIsClosedAndItsSpaceFlushedTest {

    private static final Duration IDLE = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void anIdleClientLosesItsConnectionAndItsObjectsWhileABusyOneKeepsBoth() throws Exception {
        RmServer.Options options = RmServer.Options.defaults().withIdleTimeout(IDLE);
        try (ServerOnSwtpm tpm = new ServerOnSwtpm(dir, options);
             Tpm idle = client(tpm);
             Tpm busy = client(tpm)) {
            TpmObject idleKey = idle.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
            AuthSession idleSession = idle.startSession(Session.hmac(TpmAlg.SHA256));
            long idleSince = System.nanoTime();
            assertFalse(tpm.raw.handles(TpmHt.TRANSIENT).isEmpty(), "the idle client's key is in the TPM");
            assertFalse(tpm.raw.loadedSessions().isEmpty(), "the idle client's session is in the TPM");
            try (TpmObject busyKey = busy.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
                long until = System.nanoTime() + IDLE.multipliedBy(3).toNanos();
                while (System.nanoTime() < until) {
                    assertEquals(8, busy.getRandom(8).length, "the busy client is served throughout");
                    Thread.sleep(IDLE.toMillis() / 4);
                }
                assertEquals(1, tpm.server.health().connections(), "only the idle connection was closed");
                assertTrue(System.nanoTime() - idleSince >= IDLE.toNanos());
                // The busy client's key survived the other's flush: the TPM holds it and nothing else.
                assertEquals(1, tpm.raw.handles(TpmHt.TRANSIENT).size(), "only the busy client's key is left");
                assertTrue(tpm.raw.loadedSessions().isEmpty() && tpm.raw.savedSessions().isEmpty(),
                        "the idle client's session was flushed");
                assertEquals(8, busy.getRandom(8).length);
            }
            assertThrows(TpmException.class, () -> idle.getRandom(8), "the idle client's connection is closed");
            assertTrue(idleKey.handle() != 0 && idleSession.handle() != 0);
        }
    }

    private static Tpm client(ServerOnSwtpm tpm) {
        return Tpm.on(SocketTransport.connectUnix(tpm.rawSocket, CommandTimeouts.fixed(Duration.ofSeconds(30))));
    }
}
