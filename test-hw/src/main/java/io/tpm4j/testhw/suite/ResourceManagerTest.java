package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.testhw.Needs;
import io.tpm4j.testhw.Permission;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import io.tpm4j.testhw.Target;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A resource manager's guarantees with two clients side by side: the kernel's /dev/tpmrmN, tpm4j's RM or its
 * server. Where the kernel and tpm4j differ (docs/resource-manager.md), each test asserts its own RM's behaviour
 * and records what it saw for the report.
 */
@ExtendWith(LeakCheck.class)
public class ResourceManagerTest {

    private final SuiteContext context = SuiteContext.current();
    private final Tpm tpm = context.tpm();
    private boolean kernel;

    @BeforeEach
    void resourceManagerOnly() {
        Assumptions.assumeTrue(context.target().isResourceManager(), "applies to resource managers (/dev/tpmrmN, --rm, --server)");
        kernel = context.target() instanceof Target.Device;
    }

    @Test
    @Needs(Permission.OWNER)
    @DisplayName("another client can neither see nor flush this client's object")
    void objectsAreIsolated() {
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
             Tpm other = context.anotherClient()) {
            assertTrue(tpm.handles(TpmHt.TRANSIENT).contains(srk.handle()));
            assertEquals(List.of(), other.handles(TpmHt.TRANSIENT), "the other client sees objects");
            String refusal;
            try {
                byte[] flush = other.transport().transmit(new TpmWriter().u16(0x8001).u32(14).u32(0x165).u32(srk.handle())
                        .toByteArray());
                int rc = TpmHeader.ofResponse(flush).code();
                assertNotEquals(0, rc, "the other client flushed this client's object");
                refusal = String.format("refused, 0x%08x", rc);
            } catch (TpmTransportException e) {
                // The kernel fails the write of a command naming a virtual handle its space does not have.
                assertTrue(kernel && e.getMessage().contains("EINVAL"), e.getMessage());
                refusal = "refused by the kernel: EINVAL from the device";
            }
            assertTrue(tpm.readPublic(srk.handle()).name().length > 0, "the object is still there");
            context.observe("transient handles", String.format("0x%08x (%s)", srk.handle(),
                    (srk.handle() & 0x00FFFFFF) >= 0x800000 ? "virtual" : "the TPM's own"));
            context.observe("FlushContext of another client's object", refusal);
        }
    }

    @Test
    @Needs(Permission.OWNER)
    @DisplayName("five loaded objects in one client: the kernel allows three per open, tpm4j swaps")
    void moreObjectsThanSlots() {
        List<TpmObject> loaded = new java.util.ArrayList<>();
        String seen;
        try {
            for (int i = 0; i < 5; i++) {
                loaded.add(tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256()));
            }
            for (TpmObject object : loaded) {
                assertTrue(tpm.readPublic(object.handle()).name().length > 0, "object " + object + " usable");
            }
            seen = "all five held and usable";
        } catch (TpmTransportException e) {
            // The kernel's space has three object slots; beyond them the load fails with ENOMEM.
            assertTrue(kernel && e.getMessage().contains("ENOMEM"), e.getMessage());
            seen = "refused after " + loaded.size() + ": ENOMEM from the device";
        } catch (TpmResponseException e) {
            // The kernel loads all of a space's objects before each command: a TPM with three slots is full.
            assertTrue(kernel && e.is(TpmRc.OBJECT_MEMORY), e.getMessage());
            seen = "refused after " + loaded.size() + ": TPM_RC_OBJECT_MEMORY reaches the client";
        } finally {
            for (TpmObject object : loaded) {
                object.close();
            }
        }
        assertEquals(!kernel, seen.startsWith("all five"), seen);
        context.observe("five loaded objects in one client", seen);
    }

    @Test
    @DisplayName("another client's sessions in GetCapability: shown by the kernel, hidden by tpm4j")
    void sessionsOfOtherClients() {
        try (AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256)); Tpm other = context.anotherClient()) {
            List<Integer> seen = new java.util.ArrayList<>(other.loadedSessions());
            seen.addAll(other.savedSessions());
            boolean visible = seen.contains(session.handle());
            context.observe("another client's session in GetCapability(TPM_HT_LOADED/SAVED_SESSION)",
                    visible ? "shown" : "hidden");
            assertEquals(kernel, visible, kernel ? "the kernel shows every space's sessions"
                    : "tpm4j shows a client only its own sessions");
        }
    }

    @Test
    @DisplayName("another client's session handle in the authorisation area is refused")
    void sessionHandleOfAnotherClient() {
        try (AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256)); Tpm other = context.anotherClient()) {
            // TPM2_GetRandom naming the first client's session in its authorisation area (authSize 9: handle,
            // empty nonce, continueSession, empty HMAC), then bytesRequested.
            byte[] command = new TpmWriter().u16(0x8002).u32(10 + 4 + 9 + 2).u32(0x17B).u32(9).u32(session.handle())
                    .u16(0).u8(1).u16(0).u16(8).toByteArray();
            byte[] response = other.transport().transmit(command);
            int rc = TpmHeader.ofResponse(response).code();
            assertNotEquals(0, rc, "another client used this client's session");
            context.observe("another client's session handle in the authorisation area", String.format(
                    "refused, 0x%08x (%s)", rc, (rc >>> 16) == 11 ? "by the resource manager" : "by the TPM"));
            assertEquals(16, tpm.getRandom(16).length);
        }
    }
}
