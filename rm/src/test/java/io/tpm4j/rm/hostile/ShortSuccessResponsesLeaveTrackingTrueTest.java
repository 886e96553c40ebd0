package io.tpm4j.rm.hostile;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.Space;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 16, point 8: a TPM that answers success with a response too short to hold what it must (a 10-byte
 * TPM2_ContextSave, TPM2_ContextLoad or TPM2_Load answer, which swtpm never sends, so a backend cuts swtpm's real
 * answer) gets the client a TpmProtocolException naming the command; what the TPM really did is re-read before
 * the next command, so the RM's records stay true: the space goes on working and closing it leaves the TPM empty
 * (on today's code these leak the session or key, or make the RM throw ArrayIndexOutOfBoundsException).
 */
class ShortSuccessResponsesLeaveTrackingTrueTest {

    @Test
    void aShortContextSaveOfTheClientsSessionIsAProtocolErrorAndTheSessionIsNotLeaked() {
        try (SharedTpm tpm = shortened(TpmCc.CONTEXT_SAVE, 1); Space space = tpm.rm.openSpace("saver")) {
            Tpm t = Tpm.on(space);
            AuthSession session = t.startSession(Session.hmac(TpmAlg.SHA256));
            assertProtocolError(TpmCc.CONTEXT_SAVE, () -> t.execute(new ContextSave(session.handle())));
            goesOn(t);
            space.close();
            SharedTpm.assertNothingLoaded(tpm.raw);
        }
    }

    @Test
    void aShortLoadIsAProtocolErrorAndTheObjectItLoadedIsFlushed() {
        try (SharedTpm tpm = shortened(TpmCc.LOAD, 1); Space space = tpm.rm.openSpace("loader")) {
            Tpm t = Tpm.on(space);
            TpmObject srk = t.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
            Create.Response created = t.create(srk, Templates.eccSigningKey());
            assertProtocolError(TpmCc.LOAD, () -> t.load(srk, created));
            goesOn(t);
            assertEquals(List.of(srk.handle()), t.handles(TpmHt.TRANSIENT));
            assertEquals(1, tpm.raw.handles(TpmHt.TRANSIENT).size(), "the key the lost Load loaded was flushed");
            space.close();
            SharedTpm.assertNothingLoaded(tpm.raw);
        }
    }

    @Test
    void aShortContextLoadOfASavedSessionIsAProtocolErrorAndNothingIsLeaked() {
        try (SharedTpm tpm = shortened(TpmCc.CONTEXT_LOAD, 1); Space space = tpm.rm.openSpace("loader")) {
            Tpm t = Tpm.on(space);
            AuthSession session = t.startSession(Session.hmac(TpmAlg.SHA256));
            SavedContext saved = t.execute(new ContextSave(session.handle())).context();
            assertProtocolError(TpmCc.CONTEXT_LOAD, () -> t.execute(new ContextLoad(saved)));
            goesOn(t);
            // The client never learnt that its load ran: the session is still its saved one, and loads again.
            assertEquals(List.of(session.handle()), t.savedSessions());
            assertEquals(List.of(session.handle()), tpm.raw.savedSessions());
            assertEquals(session.handle(), t.execute(new ContextLoad(saved)).loadedHandle());
            space.close();
            SharedTpm.assertNothingLoaded(tpm.raw);
        }
    }

    @Test
    void aShortContextSaveWhileTheRmSwapsKeysOutLeavesNoKeyLost() {
        // swtpm holds three objects: the fourth key makes the RM save one; the second save of the run is cut.
        try (SharedTpm tpm = shortened(TpmCc.CONTEXT_SAVE, 2); Space space = tpm.rm.openSpace("swapper")) {
            Tpm t = Tpm.on(space);
            List<TpmObject> keys = new ArrayList<>();
            int protocolErrors = 0;
            for (int i = 0; i < 6; i++) {
                try {
                    keys.add(t.createPrimary(TpmRh.OWNER, Templates.eccSigningKey()));
                } catch (TpmProtocolException e) {
                    protocolErrors++;
                }
            }
            assertEquals(1, protocolErrors, "one command met the short answer");
            goesOn(t);
            List<Integer> listed = t.handles(TpmHt.TRANSIENT);
            for (TpmObject key : keys) {
                if (listed.contains(key.handle())) {
                    t.sign(key, new byte[32]);   // every key the space still lists works
                }
            }
            space.close();
            SharedTpm.assertNothingLoaded(tpm.raw);
        }
    }

    /** A shared swtpm whose {@code nth} success response to {@code command} is cut to its 10-byte header. */
    private static SharedTpm shortened(TpmCc command, int nth) {
        AtomicInteger seen = new AtomicInteger();
        return new SharedTpm(ResourceManager.Options.defaults(), LinuxTpmDevice.Options.defaults(), device ->
                new TpmTransport() {
                    @Override
                    public byte[] transmit(byte[] bytes) {
                        byte[] response = device.transmit(bytes);
                        boolean success = response.length > TpmHeader.SIZE && response[6] == 0 && response[7] == 0
                                && response[8] == 0 && response[9] == 0;
                        if (success && TpmHeader.commandCode(bytes) == command.value()
                                && seen.incrementAndGet() == nth) {
                            return TpmHeader.headerOnlyResponse(0);
                        }
                        return response;
                    }

                    @Override
                    public void close() {
                        device.close();
                    }
                });
    }

    private static void assertProtocolError(TpmCc command, Runnable call) {
        TpmException e = assertThrows(TpmProtocolException.class, call::run);
        if (!e.getMessage().contains(command.specName())) {
            throw new AssertionError("the error names " + command.specName() + ": " + e.getMessage());
        }
    }

    /** The space works after the fault: a key is made and used. */
    private static void goesOn(Tpm t) {
        try (TpmObject key = t.createPrimary(TpmRh.OWNER, Templates.eccSigningKey())) {
            t.sign(key, new byte[32]);
        }
    }
}
