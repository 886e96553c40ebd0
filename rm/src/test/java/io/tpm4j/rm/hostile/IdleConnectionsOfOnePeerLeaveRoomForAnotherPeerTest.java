package io.tpm4j.rm.hostile;

import io.tpm4j.ffi.SocketListener;
import io.tpm4j.rm.server.RmServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 16, point 4: one local user opens every connection the server allows and sends nothing. Another user
 * (a real second uid: a child process run by setpriv as nobody) must still get the TPM, because each peer has a
 * bound below the server's.
 */
class IdleConnectionsOfOnePeerLeaveRoomForAnotherPeerTest {

    private static final int MAX = 8;
    private static final int PER_PEER = 4;
    private static final int NOBODY = 65534;

    /** A raw client in Python: TPM2_GetRandom(8), then prints its uid and the response code. */
    private static final String CLIENT = """
            import os, socket, struct, sys
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(20)
            s.connect(sys.argv[1])
            s.sendall(bytes.fromhex('80010000000c0000017b0008'))
            r = b''
            while len(r) < 10:
                chunk = s.recv(10 - len(r))
                if not chunk:
                    print('closed by the server after %d bytes' % len(r)); sys.exit(1)
                r += chunk
            print('uid %d rc 0x%x' % (os.getuid(), struct.unpack('>I', r[6:10])[0]))
            """;

    @TempDir
    Path dir;

    @Test
    void aSecondUidIsServedWhileTheFirstHoldsEverySlotItMay() throws Exception {
        assumeTrue(((Integer) Files.getAttribute(dir, "unix:uid")) == 0, "needs root to run a client as another uid");
        // The other user must reach the socket: a searchable directory, a socket anyone may connect to.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        RmServer.Options options = RmServer.Options.defaults().withMaxConnections(MAX).withMaxConnectionsPerPeer(PER_PEER)
                .withAccess(SocketListener.Access.defaults().withMode("0666"));
        List<SocketChannel> idle = new ArrayList<>();
        try (ServerOnSwtpm tpm = new ServerOnSwtpm(dir, options)) {
            try {
                for (int i = 0; i < MAX; i++) {
                    idle.add(tpm.connect(tpm.rawSocket));   // the whole server's worth, and nothing sent
                }
                ServerOnSwtpm.await("the server took " + PER_PEER + " and refused the rest", 10,
                        () -> tpm.server.health().connections() == PER_PEER && tpm.server.health().refused() == MAX - PER_PEER);
                for (SocketChannel c : idle.subList(PER_PEER, MAX)) {
                    assertTrue(RawFrames.closedByServer(c), "a connection beyond the peer's bound is closed");
                }

                Path script = Files.writeString(dir.resolve("client.py"), CLIENT);
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
                Process other = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                        "/usr/bin/python3", script.toString(), tpm.rawSocket.toString()).redirectErrorStream(true).start();
                String output = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                assertTrue(other.waitFor(30, TimeUnit.SECONDS), "the other user's client did not finish");
                assertEquals(0, other.exitValue(), output);
                assertEquals("uid " + NOBODY + " rc 0x0", output);

                // The first peer's own connections still work: the bound refused only what was beyond it.
                assertEquals(0, RawFrames.responseCode(RawFrames.exchange(idle.getFirst(), RawFrames.getRandom(8))));
            } finally {
                for (SocketChannel c : idle) {
                    c.close();
                }
            }
            ServerOnSwtpm.await("every connection ended", 10, () -> tpm.server.health().connections() == 0);
        }
    }
}
