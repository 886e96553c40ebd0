package io.tpm4j.rm.hostile;

import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.rm.server.RmServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, point 4: an mssim client (tpm2-tss's mssim TCTI) opens a command socket and a platform socket. With
 * room for N connections, N such clients must all be served: the platform sockets are counted apart, under a
 * bound of their own.
 */
class PlatformSocketDoesNotTakeASpaceSlotTest {

    private static final int MAX = 2;
    private static final int POWER_ON = 1;

    @TempDir
    Path dir;

    @Test
    void asManyMssimClientsAsSlotsAreServedAndPlatformSocketsHaveTheirOwnBound() throws Exception {
        RmServer.Options options = RmServer.Options.defaults().withMaxConnections(MAX).withMaxConnectionsPerPeer(MAX);
        Path platformSocket = Path.of(dir.resolve("mssim.sock") + ".ctrl");
        List<SocketChannel> open = new ArrayList<>();
        try (ServerOnSwtpm tpm = new ServerOnSwtpm(dir, options)) {
            try {
                for (int client = 0; client < MAX; client++) {
                    SocketChannel command = tpm.connect(tpm.mssimSocket);
                    SocketChannel platform = tpm.connect(platformSocket);
                    open.add(command);
                    open.add(platform);
                    platform.write(ByteBuffer.wrap(new TpmWriter().u32(POWER_ON).toByteArray()));
                    assertArrayEquals(new byte[4], RawFrames.readExactly(platform, 4), "client " + client + ": power on");
                    assertEquals(0, RawFrames.responseCode(RawFrames.mssim(command, RawFrames.getRandom(8))),
                            "client " + client + ": GetRandom");
                }
                assertEquals(0, tpm.server.health().refused(), "no connection refused");
                try (SocketChannel extraCommand = tpm.connect(tpm.mssimSocket);
                     SocketChannel extraPlatform = tpm.connect(platformSocket)) {
                    assertTrue(RawFrames.closedByServer(extraCommand), "a command socket beyond the bound is refused");
                    assertTrue(RawFrames.closedByServer(extraPlatform), "a platform socket beyond its bound is refused");
                }
                assertEquals(2, tpm.server.health().refused());
            } finally {
                for (SocketChannel c : open) {
                    c.close();
                }
            }
            ServerOnSwtpm.await("every connection ended", 10, () -> tpm.server.health().connections() == 0);
        }
    }
}
