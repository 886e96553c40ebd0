package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.CreateLoaded;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.HashSequenceStart;
import io.tpm4j.api.commands.HmacStart;
import io.tpm4j.api.commands.LoadExternal;
import io.tpm4j.api.commands.ReadPublic;
import io.tpm4j.api.commands.SequenceUpdate;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.tpm4j.rm.RmTesting.assertRmRefusal;
import static io.tpm4j.rm.RmTesting.newSigningKey;
import static io.tpm4j.rm.RmTesting.signAndVerify;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel's resource-manager behaviour (resource-manager.md, "Baseline", items 1 to 9), one test each. */
class BaselineTest extends WithResourceManager {

    private static final int TPM_CC_READ_PUBLIC = 0x173;
    private static final int TPM_CC_SIGN = 0x15D;

    private static byte[] readPublic(int handle) {
        return new TpmWriter().u16(0x8001).u32(14).u32(TPM_CC_READ_PUBLIC).u32(handle).toByteArray();
    }

    @Test
    void item1CommandsAreParsedWithTheTpmsOwnAttributeTable() {
        try (Space space = rm.openSpace("parser")) {
            RmCounters before = space.counters();
            // TPM2_Sign takes one handle by the TPM's table; a command that stops after the header lacks it.
            byte[] noHandle = new TpmWriter().u16(0x8002).u32(10).u32(TPM_CC_SIGN).toByteArray();
            assertRmRefusal(space.transmit(noHandle), "TPM_RC_INSUFFICIENT");
            // An authorisation area that claims more bytes than the command has.
            byte[] overrun = new TpmWriter().u16(0x8002).u32(22).u32(TPM_CC_SIGN).u32(0x81000001).u32(100)
                    .u32(0x40000009).toByteArray();
            assertRmRefusal(space.transmit(overrun), "TPM_RC_AUTHSIZE");
            // A tag that is neither TPM_ST_NO_SESSIONS nor TPM_ST_SESSIONS.
            byte[] badTag = new TpmWriter().u16(0x00C1).u32(10).u32(0x17B).toByteArray();
            assertRmRefusal(space.transmit(badTag), "TPM_RC_BAD_TAG");
            RmCounters after = space.counters().minus(before);
            assertEquals(3, after.clientCommands());
            assertEquals(0, after.tpmCommands(), "nothing reached the TPM");
            assertEquals(3, after.refusals());
            // A well-formed command with handles is translated and runs: the handle-count came from the table.
            Tpm tpm = Tpm.on(space);
            try (TpmObject key = newSigningKey(tpm)) {
                signAndVerify(tpm, key, "parsed");
            }
        }
    }

    @Test
    void item2TransientHandlesAreVirtualPerSpaceAndUnknownOnesNeverReachTheTpm() {
        try (Space a = rm.openSpace("a"); Space b = rm.openSpace("b")) {
            TpmObject primary = Tpm.on(a).createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
            int virtual = primary.handle();
            List<Integer> physical = raw.handles(TpmHt.TRANSIENT);
            assertEquals(1, physical.size());
            assertNotEquals(physical.get(0), virtual, "the client sees a virtual handle, not the TPM's");
            assertTrue(TpmHt.TRANSIENT.contains(virtual));
            // The physical handle means nothing to a space, and the virtual one nothing to another space.
            for (int handle : new int[] {virtual, physical.get(0)}) {
                RmCounters before = b.counters();
                assertRmRefusal(b.transmit(readPublic(handle)), "TPM_RC_HANDLE");
                assertEquals(0, b.counters().minus(before).tpmCommands());
            }
            RmCounters before = a.counters();
            assertRmRefusal(a.transmit(readPublic(physical.get(0))), "handle 1");
            assertEquals(0, a.counters().minus(before).tpmCommands());
            // Persistent, NV and permanent handles pass through untouched (the TPM answers for them).
            TpmResponseException e = assertThrows(TpmResponseException.class,
                    () -> Tpm.on(a).readPublic(0x81000042));
            assertEquals(0, e.responseCode().layer(), "the TPM itself answered: " + e.responseCode());
            primary.close();
        }
    }

    @Test
    void item3EveryCommandThatCreatesAnObjectHandsOutAVirtualHandle() {
        try (Space space = rm.openSpace("creator")) {
            Tpm tpm = Tpm.on(space);
            List<Integer> objects = new ArrayList<>();
            List<Integer> sequences = new ArrayList<>();
            TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
            objects.add(srk.handle());
            objects.add(tpm.execute(new CreateLoaded(srk.handle(), Authorization.emptyPassword(),
                    SensitiveCreate.EMPTY, Templates.eccSigningKey())).objectHandle());
            TpmObject hmacKey = tpm.load(srk, tpm.create(srk, Templates.hmacKey()));
            objects.add(hmacKey.handle());
            sequences.add(tpm.execute(new HmacStart(hmacKey.handle(), Authorization.emptyPassword(),
                    new byte[0], TpmAlg.SHA256.value())).sequenceHandle());
            objects.add(tpm.execute(new LoadExternal(srk.publicArea(), TpmRh.OWNER)).objectHandle());
            sequences.add(tpm.execute(new HashSequenceStart(new byte[0], TpmAlg.SHA256)).sequenceHandle());
            SavedContext saved = tpm.execute(new ContextSave(srk.handle())).context();
            objects.add(tpm.execute(new ContextLoad(saved)).loadedHandle());
            List<Integer> all = new ArrayList<>(objects);
            all.addAll(sequences);
            List<Integer> physical = raw.handles(TpmHt.TRANSIENT);
            assertEquals(3, physical.size(), "the TPM holds three of the seven");
            for (int handle : all) {
                assertTrue(handle >= 0x80800000 && handle <= 0x80FFFFFF, Integer.toHexString(handle));
                assertFalse(physical.contains(handle));
            }
            assertEquals(all.size(), all.stream().distinct().count(), "each object has its own handle");
            // Every one works through the space, though only three fit in the TPM at once.
            for (int handle : objects) {
                tpm.execute(new ReadPublic(handle));
            }
            for (int handle : sequences) {
                tpm.execute(new SequenceUpdate(handle, Authorization.emptyPassword(), new byte[] {1, 2, 3}));
            }
            assertEquals(all.stream().sorted(Integer::compareUnsigned).toList(), tpm.handles(TpmHt.TRANSIENT));
            for (int handle : all) {
                tpm.execute(new FlushContext(handle));
            }
            assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT));
        }
    }

    @Test
    void item4SessionsLiveAcrossCommandsWhileOtherSpacesSwapThemOut() {
        try (Space a = rm.openSpace("a"); Space b = rm.openSpace("b")) {
            Tpm ta = Tpm.on(a);
            try (TpmObject key = newSigningKey(ta); AuthSession session = ta.startSession(Session.hmac(TpmAlg.SHA256))) {
                // Space b fills every object and session slot, so a's key and session leave the TPM.
                Tpm tb = Tpm.on(b);
                List<AutoCloseable> held = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    held.add(newSigningKey(tb));
                    held.add(tb.startSession(Session.hmac(TpmAlg.SHA256)));
                }
                RmCounters before = rm.counters();
                for (int i = 0; i < 3; i++) {
                    ta.execute(new io.tpm4j.api.commands.Sign(key.handle(), Authorization.session(session, new byte[0]).forEntity(key.name()),
                            RmTesting.sha256("session " + i), io.tpm4j.api.types.Scheme.NULL,
                            io.tpm4j.api.commands.Sign.nullTicket()));
                }
                RmCounters swaps = rm.counters().minus(before);
                assertTrue(swaps.contextLoads() >= 2, "a's key and session came back: " + swaps);
                for (AutoCloseable h : held) {
                    closeQuietly(h);
                }
            }
        }
    }

    @Test
    void item5GetCapabilityHandlesListsOnlyTheSpacesOwn() {
        try (Space a = rm.openSpace("a"); Space b = rm.openSpace("b")) {
            Tpm ta = Tpm.on(a);
            Tpm tb = Tpm.on(b);
            try (TpmObject ka = ta.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
                 TpmObject kb1 = tb.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
                 TpmObject kb2 = tb.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
                 AuthSession sa = ta.startSession(Session.hmac(TpmAlg.SHA256));
                 AuthSession sb = tb.startSession(Session.hmac(TpmAlg.SHA256))) {
                assertEquals(List.of(ka.handle()), ta.handles(TpmHt.TRANSIENT));
                assertEquals(List.of(kb1.handle(), kb2.handle()).stream().sorted(Integer::compareUnsigned).toList(),
                        tb.handles(TpmHt.TRANSIENT));
                assertEquals(List.of(sa.handle()), ta.loadedSessions());
                assertEquals(List.of(sb.handle()), tb.loadedSessions());
                assertEquals(List.of(), ta.savedSessions());
                assertEquals(3, raw.handles(TpmHt.TRANSIENT).size(), "the TPM itself has all three");
                // A count of one answers one handle and says there is more.
                byte[] one = new TpmWriter().u16(0x8001).u32(22).u32(0x17A).u32(1).u32(0x80000000).u32(1)
                        .toByteArray();
                byte[] answer = b.transmit(one);
                assertEquals(0, RmTesting.responseCode(answer).raw());
                assertEquals(1, answer[10], "moreData");
                assertEquals(1, ((answer[15] & 0xFF) << 24 | (answer[16] & 0xFF) << 16 | (answer[17] & 0xFF) << 8
                        | (answer[18] & 0xFF)));
            }
        }
    }

    @Test
    void item6ClientContextSaveLoadAndFlushWorkOnVirtualHandles() {
        try (Space space = rm.openSpace("saver")) {
            Tpm tpm = Tpm.on(space);
            TpmObject key = newSigningKey(tpm);
            SavedContext saved = tpm.execute(new ContextSave(key.handle())).context();
            tpm.execute(new FlushContext(key.handle()));
            assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT));
            assertThrows(TpmResponseException.class, () -> tpm.readPublic(key.handle()));
            int again = tpm.execute(new ContextLoad(saved)).loadedHandle();
            assertEquals(List.of(again), tpm.handles(TpmHt.TRANSIENT));
            assertArrayEquals(key.name(), tpm.execute(new ReadPublic(again)).name());
            tpm.execute(new FlushContext(again));
            assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT));
        }
    }

    @Test
    void item6ASessionTheClientSavedBelongsToWhoeverLoadsIt() {
        try (Space a = rm.openSpace("a"); Space b = rm.openSpace("b")) {
            Tpm ta = Tpm.on(a);
            Tpm tb = Tpm.on(b);
            AuthSession session = ta.startSession(Session.hmac(TpmAlg.SHA256));
            SavedContext saved = ta.execute(new ContextSave(session.handle())).context();
            assertEquals(List.of(), ta.loadedSessions());
            assertEquals(List.of(session.handle()), ta.savedSessions());
            assertEquals(List.of(), tb.savedSessions(), "another space does not see it");
            // Saved, it is nobody's to flush but a's (as a TPM would, a may flush it: SavedSessionFlushTest).
            TpmResponseException e = assertThrows(TpmResponseException.class,
                    () -> tb.execute(new FlushContext(session.handle())));
            assertEquals(11, e.responseCode().layer());
            // b loads it and owns it now; a cannot touch it.
            int loaded = tb.execute(new ContextLoad(saved)).loadedHandle();
            assertEquals(session.handle(), loaded);
            assertEquals(List.of(loaded), tb.loadedSessions());
            assertThrows(TpmResponseException.class, () -> ta.execute(new FlushContext(loaded)));
            tb.execute(new FlushContext(loaded));
            assertEquals(List.of(), raw.loadedSessions());
        }
    }

    @Test
    void item7UnknownCommandCodesGetTheRmLayerCodeTheKernelUses() {
        try (Space space = rm.openSpace("unknown")) {
            RmCounters before = space.counters();
            for (int code : new int[] {0x0000_0001, 0x0000_01FF, 0x2000_0001, 0x7FFF_FFFF}) {
                byte[] response = space.transmit(new TpmWriter().u16(0x8001).u32(10).u32(code).toByteArray());
                assertArrayEquals(new byte[] {(byte) 0x80, 0x01, 0, 0, 0, 10, 0, 0x0B, 0x01, 0x43}, response);
            }
            assertEquals(0, space.counters().minus(before).tpmCommands());
        }
    }

    @Test
    void item8ClosingASpaceFlushesEverythingItOwns() {
        Space space = rm.openSpace("closing");
        Tpm tpm = Tpm.on(space);
        for (int i = 0; i < 5; i++) {
            newSigningKey(tpm);
        }
        tpm.startSession(Session.hmac(TpmAlg.SHA256));
        tpm.startSession(Session.policy(TpmAlg.SHA256));
        AuthSession saved = tpm.startSession(Session.hmac(TpmAlg.SHA256));
        tpm.execute(new ContextSave(saved.handle()));
        assertFalse(raw.handles(TpmHt.TRANSIENT).isEmpty());
        space.close();
        space.close();
        assertThrows(IllegalStateException.class, () -> space.transmit(readPublic(0x80800000)));
        assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT));
        assertEquals(List.of(), raw.loadedSessions());
        // The session the client saved is not the space's any more: it stays for whoever loads it, until the
        // abandoned-session bound or the RM's own close flushes it.
        assertEquals(List.of(saved.handle()), raw.savedSessions());
        rm.close();
        assertEquals(List.of(), raw.savedSessions());
    }

    @Test
    void item9AfterRemovalEveryCommandFailsWithoutTheBackendAndSpacesStillClose() {
        RecordingTransport counting = new RecordingTransport(swtpm.transport());
        TpmChip counted = TpmChip.over(counting, "counted");
        ResourceManager manager = ResourceManager.over(counted);
        Space space = manager.openSpace("removed");
        Tpm tpm = Tpm.on(space);
        TpmObject key = tpm.createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
        counted.remove();
        counted.remove();
        counting.markRemoved();
        assertTrue(counted.isRemoved());
        TpmDeviceRemovedException e = assertThrows(TpmDeviceRemovedException.class, () -> tpm.getRandom(8));
        assertTrue(e.getMessage().contains("counted"), e.getMessage());
        assertThrows(TpmDeviceRemovedException.class, () -> tpm.readPublic(key.handle()));
        Space late = manager.openSpace("after");
        assertThrows(TpmDeviceRemovedException.class, () -> Tpm.on(late).getRandom(1));
        space.close();
        late.close();
        manager.close();
        assertEquals(0, counting.callsAfterRemoval.get(), "nothing reached the backend after removal");
        assertThrows(IllegalStateException.class, () -> swtpm.transport().transmit(readPublic(key.handle())),
                "the backend was closed");
        // The TPM behind it is gone for this test; nothing to check on the raw chip.
        chip.remove();
    }

    @Test
    void item9RemovalCanShutTheTpmDownFirstAsTheKernelDoes() {
        RecordingTransport recording = new RecordingTransport(swtpm.transport());
        TpmChip shutting = TpmChip.over(recording, "shutting", TpmChip.Options.defaults().withShutdownOnRemove(true));
        shutting.remove();
        assertEquals(List.of(0x145), recording.commandCodes, "TPM2_Shutdown, then nothing");
        chip.remove();
    }

    @Test
    void aChipHasOneResourceManagerAtATime() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ResourceManager.over(chip));
        assertTrue(e.getMessage().contains("swtpm"), e.getMessage());
        rm.close();
        rm = ResourceManager.over(chip);
        try (Space space = rm.openSpace("second")) {
            assertEquals(8, Tpm.on(space).getRandom(8).length);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
