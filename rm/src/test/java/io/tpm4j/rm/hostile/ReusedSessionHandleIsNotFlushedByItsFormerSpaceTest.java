package io.tpm4j.rm.hostile;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.Space;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 16, point 7: a command that timed out may still run. Space A's FlushContext of its session times out (swtpm
 * is stopped), then runs: the TPM frees the handle while the RM still has A's record of it. The TPM gives the handle
 * to space B's next session; closing A must not flush B's session, and A must not see it.
 */
class ReusedSessionHandleIsNotFlushedByItsFormerSpaceTest {

    @Test
    void aSessionHandleTheTpmReusedAfterATimeoutBelongsOnlyToItsNewSpace() throws Exception {
        LinuxTpmDevice.Options shortTimeout = LinuxTpmDevice.Options.defaults().withTimeout(Duration.ofMillis(500));
        try (SharedTpm tpm = new SharedTpm(ResourceManager.Options.defaults(), shortTimeout, UnaryOperator.identity());
             Space b = tpm.rm.openSpace("new owner")) {
            Space a = tpm.rm.openSpace("former owner");
            Tpm ta = Tpm.on(a);
            AuthSession old = ta.startSession(Session.hmac(TpmAlg.SHA256));
            SharedTpm.signal("STOP", tpm.swtpm.pid());
            try {
                assertThrows(TpmTimeoutException.class, () -> ta.execute(new FlushContext(old.handle())));
            } finally {
                SharedTpm.signal("CONT", tpm.swtpm.pid());
            }
            Tpm tb = Tpm.on(b);
            AuthSession reused = tb.startSession(Session.hmac(TpmAlg.SHA256).audited());
            assertEquals(old.handle(), reused.handle(), "the TPM gave the freed handle to the new session");
            assertEquals(List.of(), ta.loadedSessions(), "the former owner does not see the new session");
            a.close();
            assertEquals(List.of(reused.handle()), tpm.raw.loadedSessions(), "closing A left B's session alone");
            assertEquals(8, tb.execute(new GetRandom(8), reused).randomBytes().length, "and it works");
            reused.close();
        }
    }
}
