package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

import static io.tpm4j.rm.RmTesting.responseCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile space tries every handle the others were given, every physical handle the TPM used, and every
 * session handle it could learn, in every place a handle goes, and lists every handle range: it can neither
 * use, flush nor see anything of the others', and none of its attempts reaches the TPM.
 */
class IsolationTest extends WithResourceManager {

    private static final int ST_NO_SESSIONS = io.tpm4j.api.wire.TpmHeader.ST_NO_SESSIONS;
    private static final int ST_SESSIONS = io.tpm4j.api.wire.TpmHeader.ST_SESSIONS;

    @Test
    void aHostileSpaceCanNeitherUseFlushNorSeeAnotherSpacesObjectsOrSessions() {
        Set<Integer> learned = new LinkedHashSet<>();
        try (Space a = rm.openSpace("a"); Space b = rm.openSpace("b"); Space hostile = rm.openSpace("hostile")) {
            Tpm ta = Tpm.on(a);
            Tpm tb = Tpm.on(b);
            List<TpmObject> keys = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                keys.add(RmTesting.newSigningKey(ta));
                learned.addAll(raw.handles(TpmHt.TRANSIENT));
                keys.add(RmTesting.newSigningKey(tb));
                learned.addAll(raw.handles(TpmHt.TRANSIENT));
            }
            AuthSession hmacA = ta.startSession(Session.hmac(TpmAlg.SHA256));
            AuthSession policyA = ta.startSession(Session.policy(TpmAlg.SHA256));
            AuthSession savedByA = ta.startSession(Session.hmac(TpmAlg.SHA256));
            SavedContext savedContext = ta.execute(new ContextSave(savedByA.handle())).context();
            AuthSession hmacB = tb.startSession(Session.hmac(TpmAlg.SHA256));
            keys.forEach(k -> learned.add(k.handle()));
            for (AuthSession s : List.of(hmacA, policyA, savedByA, hmacB)) {
                learned.add(s.handle());
            }
            learned.addAll(raw.loadedSessions());
            learned.addAll(raw.savedSessions());
            for (int i = 0; i < 64; i++) {
                learned.add(0x80000000 + i);
                learned.add(0x80800000 + i);
                learned.add(0x02000000 + i);
                learned.add(0x03000000 + i);
            }

            RmCounters before = hostile.counters();
            int attempts = 0;
            for (int handle : learned) {
                for (IntFunction<byte[]> attack : attacks()) {
                    byte[] response = hostile.transmit(attack.apply(handle));
                    assertEquals(11, responseCode(response).layer(), String.format("0x%08x: %s", handle,
                            responseCode(response)));
                    attempts++;
                }
            }
            // A forged ContextLoad naming a's loaded session as its saved handle.
            byte[] forged = contextLoad(new SavedContext(1, hmacA.handle(), 0x40000001, new byte[64]));
            assertEquals(11, responseCode(hostile.transmit(forged)).layer());
            RmCounters spent = hostile.counters().minus(before);
            assertEquals(attempts + 1, spent.refusals());
            assertEquals(0, spent.tpmCommands(), "no attempt reached the TPM");

            // Every handle range, as the hostile space sees it: none of the others' objects or sessions.
            Tpm th = Tpm.on(hostile);
            for (TpmHt type : new TpmHt[] {TpmHt.TRANSIENT, TpmHt.PERSISTENT, TpmHt.NV_INDEX, TpmHt.PCR,
                    TpmHt.PERMANENT}) {
                for (int handle : th.handles(type)) {
                    assertTrue(!learned.contains(handle) || type == TpmHt.PCR,
                            String.format("%s shows 0x%08x", type, handle));
                }
            }
            assertEquals(List.of(), th.handles(TpmHt.TRANSIENT));
            assertEquals(List.of(), th.loadedSessions());
            assertEquals(List.of(), th.savedSessions());

            // Everything of a's and b's still works.
            for (TpmObject key : keys) {
                Tpm owner = keys.indexOf(key) % 2 == 0 ? ta : tb;
                AuthSession session = keys.indexOf(key) % 2 == 0 ? hmacA : hmacB;
                owner.execute(new Sign(key.handle(), Authorization.session(session, new byte[0]).forEntity(key.name()),
                        RmTesting.sha256("still mine"), Scheme.NULL, Sign.nullTicket()));
            }
            assertEquals(savedByA.handle(), ta.execute(new ContextLoad(savedContext)).loadedHandle());
            ta.execute(new FlushContext(savedByA.handle()));
            for (TpmObject key : keys) {
                key.close();
            }
        }
    }

    /** Every place a handle can go: handle area, FlushContext's parameter, authorisation area, StartAuthSession. */
    private static List<IntFunction<byte[]>> attacks() {
        return List.of(
                h -> new TpmWriter().u16(ST_NO_SESSIONS).u32(14).u32(0x173).u32(h).toByteArray(),   // ReadPublic
                h -> new TpmWriter().u16(ST_NO_SESSIONS).u32(14).u32(0x165).u32(h).toByteArray(),   // FlushContext
                h -> new TpmWriter().u16(ST_NO_SESSIONS).u32(14).u32(0x162).u32(h).toByteArray(),   // ContextSave
                h -> new TpmWriter().u16(ST_NO_SESSIONS).u32(14).u32(0x189).u32(h).toByteArray(),   // PolicyGetDigest
                h -> new TpmWriter().u16(ST_SESSIONS).u32(25).u32(0x17B).u32(9).u32(h).u16(0).u8(1).u16(0)
                        .u16(8).toByteArray(),                                                      // GetRandom, session h
                h -> startAuthSession(h, 0x40000007),
                h -> startAuthSession(0x40000007, h));
    }

    private static byte[] startAuthSession(int tpmKey, int bind) {
        TpmWriter out = new TpmWriter().u16(ST_NO_SESSIONS).u32(0).u32(0x176).u32(tpmKey).u32(bind)
                .tpm2b(new byte[16]).tpm2b(new byte[0]).u8(0).u16(0x0010).u16(0x000B);
        return out.u32At(2, out.size()).toByteArray();
    }

    private static byte[] contextLoad(SavedContext context) {
        TpmWriter out = new TpmWriter().u16(ST_NO_SESSIONS).u32(0).u32(0x161);
        context.write(out);
        return out.u32At(2, out.size()).toByteArray();
    }
}
