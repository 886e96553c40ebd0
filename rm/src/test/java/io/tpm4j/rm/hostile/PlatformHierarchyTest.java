package io.tpm4j.rm.hostile;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.ChangeEps;
import io.tpm4j.api.commands.ChangePps;
import io.tpm4j.api.commands.Clear;
import io.tpm4j.api.commands.HierarchyChangeAuth;
import io.tpm4j.api.commands.HierarchyControl;
import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.types.StartupClearAttributes;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.Space;
import io.tpm4j.rm.TpmChip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client of a TPM that tpm4j started itself tries the platform hierarchy, which TPM2_Startup leaves enabled
 * with an empty password: disabling the owner's hierarchy, taking the platform password, clearing the TPM,
 * replacing the endorsement and platform seeds. tpm4j plays firmware there and must have closed it, unless the
 * test rig asked to keep it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PlatformHierarchyTest {

    private static final Authorization EMPTY = Authorization.emptyPassword();
    private static final byte[] STOLEN = "the platform is mine".getBytes(StandardCharsets.UTF_8);

    /** What a hostile client sends with the platform's empty password, each on its own. */
    private static final List<TpmCommand<?>> PLATFORM_COMMANDS = List.of(
            new HierarchyControl(TpmRh.PLATFORM, EMPTY, TpmRh.OWNER, false),
            new HierarchyControl(TpmRh.PLATFORM, EMPTY, TpmRh.ENDORSEMENT, false),
            new HierarchyChangeAuth(TpmRh.PLATFORM, EMPTY, STOLEN),
            new Clear(TpmRh.PLATFORM, EMPTY),
            new ChangeEps(TpmRh.PLATFORM, EMPTY),
            new ChangePps(TpmRh.PLATFORM, EMPTY));

    @TempDir
    Path dir;

    @Test
    void serveSwtpmDisablesThePlatformHierarchyForEveryClient() throws Exception {
        try (ServeProcess server = ServeProcess.start(dir, "--swtpm"); Tpm client = server.client()) {
            assertFalse(server.readyLine().contains("platform hierarchy"), server.readyLine());
            assertPlatformRefused(client);
            assertOwnerHierarchyWorks(client);
        }
    }

    @Test
    void serveSwtpmWithKeepPlatformHierarchyLetsATestRigUseItAndSaysSo() throws Exception {
        try (ServeProcess server = ServeProcess.start(dir, "--swtpm", "--keep-platform-hierarchy");
             Tpm client = server.client()) {
            assertTrue(server.readyLine().contains("warning: the platform hierarchy is kept enabled with an empty "
                    + "password (--keep-platform-hierarchy)"), server.readyLine());
            assertTrue(server.log().contains("--keep-platform-hierarchy"), server.log());
            assertPlatformUsable(client);
        }
    }

    @Test
    void aServerOverATpmItDidNotStartLeavesThePlatformHierarchyAloneAndWarnsWhenItIsOpen() throws Exception {
        try (Swtpm swtpm = Swtpm.startSocketServer()) {
            Path tpmSocket = swtpm.socketPath().orElseThrow();
            try (Tpm firmware = direct(tpmSocket)) {
                assertTrue(firmware.startupIfNeeded(), "the test is the firmware that starts the TPM");
            }
            try (ServeProcess server = ServeProcess.start(dir, "--swtpm-socket", tpmSocket.toString());
                 Tpm client = server.client()) {
                assertTrue(server.readyLine().contains("warning: the TPM was started by someone else with the platform "
                        + "hierarchy enabled and an empty password"), server.readyLine());
                assertTrue(server.log().contains("started by someone else"), server.log());
                assertTrue(phEnabled(client), "the server is not this TPM's firmware: it leaves the hierarchy as it is");
            }
            try (Tpm firmware = direct(tpmSocket)) {
                PlatformHierarchy.DISABLE.afterStartup(firmware);
            }
            try (ServeProcess server = ServeProcess.start(dir, "--swtpm-socket", tpmSocket.toString());
                 Tpm client = server.client()) {
                assertFalse(server.readyLine().contains("platform hierarchy"), server.readyLine());
                assertPlatformRefused(client);
            }
        }
    }

    @Test
    void aResourceManagerThatStartsTheTpmDisablesThePlatformHierarchyForItsSpaces() {
        try (Swtpm swtpm = Swtpm.startChardev(); TpmChip chip = TpmChip.over(swtpm.transport(), "swtpm");
             ResourceManager rm = ResourceManager.over(chip); Space space = rm.openSpace("hostile")) {
            Tpm client = Tpm.on(space);
            assertPlatformRefused(client);
            assertOwnerHierarchyWorks(client);
        }
    }

    @Test
    void aTpmStartedWithKeepBeforeTheResourceManagerKeepsThePlatformHierarchy() {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            assertTrue(PlatformHierarchy.KEEP.startupIfNeeded(Tpm.on(swtpm.transport())));
            assertTrue(PlatformHierarchy.isOpen(Tpm.on(swtpm.transport())));
            try (TpmChip chip = TpmChip.over(swtpm.transport(), "swtpm"); ResourceManager rm = ResourceManager.over(chip);
                 Space space = rm.openSpace("test rig")) {
                assertPlatformUsable(Tpm.on(space));
            }
        }
    }

    /** Every platform command fails with TPM_RC_HIERARCHY, and the TPM says the hierarchy is disabled. */
    private static void assertPlatformRefused(Tpm client) {
        for (TpmCommand<?> command : PLATFORM_COMMANDS) {
            TpmResponseException e = assertThrows(TpmResponseException.class, () -> client.execute(command),
                    command + " was accepted");
            assertTrue(e.is(TpmRc.HIERARCHY), e.getMessage());
        }
        assertFalse(phEnabled(client), "TPM_PT_STARTUP_CLEAR says the platform hierarchy is enabled");
        assertFalse(PlatformHierarchy.isOpen(client));
    }

    /** The owner's hierarchy, which the hostile client tried to disable, still makes keys; nothing is left loaded. */
    private static void assertOwnerHierarchyWorks(Tpm client) {
        int flags = client.allProperties().get(TpmPt.STARTUP_CLEAR.value());
        assertTrue((flags & StartupClearAttributes.SH_ENABLE) != 0 && (flags & StartupClearAttributes.EH_ENABLE) != 0,
                "owner and endorsement hierarchies enabled: " + Integer.toHexString(flags));
        try (TpmObject srk = client.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            assertTrue(srk.handle() != 0);
        }
        assertEquals(List.of(), client.handles(TpmHt.TRANSIENT));
    }

    /** With the hierarchy kept, each platform command works as on a bare TPM (rc 0). */
    private static void assertPlatformUsable(Tpm client) {
        client.execute(new HierarchyChangeAuth(TpmRh.PLATFORM, EMPTY, STOLEN));
        client.execute(new HierarchyChangeAuth(TpmRh.PLATFORM, Authorization.password(STOLEN), new byte[0]));
        client.execute(new Clear(TpmRh.PLATFORM, EMPTY));
        client.execute(new ChangeEps(TpmRh.PLATFORM, EMPTY));
        client.execute(new ChangePps(TpmRh.PLATFORM, EMPTY));
        client.execute(new HierarchyControl(TpmRh.PLATFORM, EMPTY, TpmRh.OWNER, false));
        TpmResponseException e = assertThrows(TpmResponseException.class,
                () -> client.createPrimary(TpmRh.OWNER, Templates.srkEccP256()));
        assertTrue(e.is(TpmRc.HIERARCHY), e.getMessage());
        client.execute(new HierarchyControl(TpmRh.PLATFORM, EMPTY, TpmRh.OWNER, true));
        assertTrue(phEnabled(client));
    }

    private static boolean phEnabled(Tpm client) {
        return (client.allProperties().get(TpmPt.STARTUP_CLEAR.value()) & StartupClearAttributes.PH_ENABLE) != 0;
    }

    private static Tpm direct(Path tpmSocket) {
        return Tpm.on(SocketTransport.connectUnix(tpmSocket, CommandTimeouts.fixed(Duration.ofSeconds(10))));
    }
}
