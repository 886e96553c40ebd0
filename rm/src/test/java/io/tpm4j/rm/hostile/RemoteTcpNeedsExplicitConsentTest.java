package io.tpm4j.rm.hostile;

import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.TpmChip;
import io.tpm4j.rm.server.Endpoint;
import io.tpm4j.rm.server.RmServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server started from Java refuses what the command line refuses: TCP on an address other hosts can reach
 * without {@code allowRemote}, and raw or health endpoints on TCP at all. Nothing is bound when it refuses.
 */
class RemoteTcpNeedsExplicitConsentTest {

    private static Swtpm swtpm;
    private static ResourceManager rm;

    @BeforeAll
    static void start() {
        swtpm = Swtpm.startChardev();
        rm = ResourceManager.over(TpmChip.over(swtpm.transport(), "swtpm"));
    }

    @AfterAll
    static void stop() {
        rm.close();
        swtpm.close();
    }

    @Test
    void anAddressOtherHostsCanReachIsRefusedUnlessAllowed() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> RmServer.start(rm,
                List.of(Endpoint.mssim("tcp:0.0.0.0:0")), RmServer.Options.defaults()));
        assertTrue(refused.getMessage().contains("0.0.0.0") && refused.getMessage().contains("loopback"),
                refused.getMessage());
        try (RmServer server = RmServer.start(rm, List.of(Endpoint.mssim("tcp:0.0.0.0:0")),
                RmServer.Options.defaults().withRemoteClients(true))) {
            assertTrue(server.mssimPort().isPresent(), server.addresses().toString());
        }
    }

    @Test
    void rawAndHealthEndpointsAreUnixSocketsOnly() {
        for (Endpoint endpoint : List.of(Endpoint.raw("tcp:127.0.0.1:0"), Endpoint.health("tcp:127.0.0.1:0"))) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> RmServer.start(rm,
                    List.of(endpoint), RmServer.Options.defaults().withRemoteClients(true)));
            assertTrue(refused.getMessage().contains("unix:PATH only"), refused.getMessage());
        }
    }
}
