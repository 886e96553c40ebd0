package io.tpm4j.rm.hostile;

import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.Space;
import io.tpm4j.rm.server.RmServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

/**
 * Issue 16, point 7: when closing a connection's space throws (a fault swtpm cannot produce, so Mockito makes
 * it: the real space is closed, then an exception is thrown), the server must still close the client's socket and
 * give the connection's slot back; otherwise, with one slot, the server would refuse everyone from then on.
 */
class SpaceCloseFailureStillFreesTheSlotAndClosesTheSocketTest {

    static {
        // Mockito's Byte Buddy predates this JDK's class-file version; it handles it when told to.
        System.setProperty("net.bytebuddy.experimental", "true");
    }

    @TempDir
    Path dir;

    @Test
    void aSpaceWhoseCloseThrowsStillEndsItsConnectionCleanly() throws Exception {
        AtomicInteger faults = new AtomicInteger();
        RmServer.Options options = RmServer.Options.defaults().withMaxConnections(1).withMaxConnectionsPerPeer(1);
        try (ServerOnSwtpm tpm = new ServerOnSwtpm(dir, options, real -> failingSpaceClose(real, faults))) {
            for (int round = 0; round < 3; round++) {
                try (SocketChannel client = tpm.connect(tpm.rawSocket)) {
                    assertEquals(0, RawFrames.responseCode(RawFrames.exchange(client, RawFrames.getRandom(8))),
                            "round " + round + ": served, so the slot was free");
                    // A frame whose size field is smaller than a header: the server ends the connection itself.
                    client.write(ByteBuffer.wrap(new TpmWriter().u16(0x8001).u32(4).u32(0x17B).toByteArray()));
                    assertTrue(RawFrames.closedByServer(client), "round " + round + ": the socket was closed");
                }
                int expected = round + 1;
                ServerOnSwtpm.await("the slot was given back", 10,
                        () -> tpm.server.health().connections() == 0 && faults.get() == expected);
            }
            assertEquals(0, tpm.server.health().refused());
        }
    }

    /** The RM, except that each space it opens throws from close() after really closing. */
    private static ResourceManager failingSpaceClose(ResourceManager real, AtomicInteger faults) {
        ResourceManager rm = mock(ResourceManager.class, withSettings().defaultAnswer(delegatesTo(real)));
        doAnswer(open -> {
            Space space = real.openSpace(open.getArgument(0), open.getArgument(1));
            Space failing = mock(Space.class, withSettings().defaultAnswer(delegatesTo(space)));
            doAnswer(close -> {
                space.close();
                faults.incrementAndGet();
                throw new IllegalStateException("injected: closing the space failed");
            }).when(failing).close();
            return failing;
        }).when(rm).openSpace(anyString(), any());
        return rm;
    }
}
