package io.tpm4j.rm.hostile;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.rm.ResourceManager;
import io.tpm4j.rm.Space;
import io.tpm4j.rm.TpmChip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, point 7: a backend whose framing broke can never be trusted with a command again (tpm4j's device then
 * refuses every command). The chip must count as removed, as when its TPM goes away, so that every space learns
 * the TPM is gone (the server answers RM_TPM_GONE) instead of failing each command forever. Here the backend is a
 * real device driver on a Unix socket whose far end relays to swtpm and, once, answers with an impossible size.
 */
class BrokenFramingRemovesTheChipTest {

    @Test
    void aBackendThatLostItsFramingRemovesTheChipForEverySpace(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("tpm.sock");
        try (Swtpm swtpm = Swtpm.startChardev();
             ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread relay = Thread.ofPlatform().daemon().start(() -> relay(server, swtpm.transport()));
            TpmChip chip = TpmChip.over(LinuxTpmDevice.connect(socket, LinuxTpmDevice.Options.defaults()), "relay");
            ResourceManager rm = ResourceManager.over(chip);
            Space first = rm.openSpace("first");
            Space second = rm.openSpace("second");
            Tpm.on(first).createPrimary(TpmRh.OWNER, Templates.eccSigningKey());
            assertFalse(chip.isRemoved());

            assertThrows(TpmDeviceRemovedException.class, () -> Tpm.on(first).getRandom(16),
                    "the command that met the broken framing learns the TPM is gone");
            assertTrue(chip.isRemoved(), "a backend that lost its framing counts as removed");
            assertThrows(TpmDeviceRemovedException.class, () -> Tpm.on(second).getRandom(16));
            assertThrows(TpmDeviceRemovedException.class, () -> Tpm.on(first).getRandom(16));
            first.close();
            second.close();
            rm.close();
            chip.close();
            relay.join(5_000);
        }
    }

    /** Passes commands to swtpm; answers the first TPM2_GetRandom with a header whose size field is impossible. */
    private static void relay(ServerSocketChannel server, TpmTransport tpm) {
        boolean broken = false;
        try (SocketChannel peer = server.accept()) {
            while (true) {
                ByteBuffer header = ByteBuffer.allocate(TpmHeader.SIZE);
                if (!readFully(peer, header)) {
                    return;
                }
                int size = BigEndian.u32(header.array(), 2);
                ByteBuffer command = ByteBuffer.allocate(size).put(header.array());
                if (!readFully(peer, command)) {
                    return;
                }
                byte[] response;
                if (!broken && TpmHeader.commandCode(command.array()) == TpmCc.GET_RANDOM.value()) {
                    broken = true;
                    response = new byte[] {(byte) 0x80, 0x01, 0, 0, 0, 5, 0, 0, 0, 0};
                } else {
                    response = tpm.transmit(command.array());
                }
                peer.write(ByteBuffer.wrap(response));
            }
        } catch (IOException e) {
            // The device closed its end: the test is over.
        }
    }

    private static boolean readFully(SocketChannel peer, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (peer.read(into) < 0) {
                return false;
            }
        }
        return true;
    }
}
