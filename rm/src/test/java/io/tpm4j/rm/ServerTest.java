package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.rm.server.RmServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.tpm4j.rm.RmTesting.getRandom;
import static io.tpm4j.rm.hostile.RawFrames.assertClosedByServer;
import static io.tpm4j.rm.hostile.RawFrames.exchange;
import static io.tpm4j.rm.hostile.RawFrames.mssim;
import static io.tpm4j.rm.hostile.RawFrames.readExactly;
import static io.tpm4j.rm.RmTesting.newSigningKey;
import static io.tpm4j.rm.RmTesting.responseCode;
import static io.tpm4j.rm.RmTesting.signAndVerify;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's own guarantees, shown with tpm4j's client transport and with hand-made frames. */
class ServerTest extends WithServer {

    private static final int MAX_CONNECTIONS = 8;

    @Override
    RmServer.Options serverOptions() {
        return RmServer.Options.defaults().withMaxConnections(MAX_CONNECTIONS)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Test
    void aRemoteClientUsesTheTpmLikeADeviceAndSeesOnlyItsOwn() throws Exception {
        try (Tpm a = client(); Tpm b = client(); SocketChannel c = raw()) {
            try (TpmObject key = newSigningKey(a)) {
                signAndVerify(a, key, "through the server");
                assertEquals(List.of(key.handle()), a.handles(TpmHt.TRANSIENT));
                assertEquals(List.of(), b.handles(TpmHt.TRANSIENT));
                byte[] flush = exchange(c, new TpmWriter().u16(0x8001).u32(14).u32(0x165).u32(key.handle()).toByteArray());
                assertNotEquals(0, responseCode(flush).raw(), "another connection flushed the key");
                signAndVerify(a, key, "still there");
            }
        }
    }

    @Test
    void aClientsStartupGetsInitializeAndItsShutdownNeverReachesTheTpm() throws Exception {
        try (SocketChannel c = raw()) {
            long before = rm.counters().tpmCommands();
            byte[] startup = exchange(c, new TpmWriter().u16(0x8001).u32(12).u32(0x144).u16(0).toByteArray());
            assertEquals(TpmRc.INITIALIZE.value(), responseCode(startup).raw());
            byte[] shutdown = exchange(c, new TpmWriter().u16(0x8001).u32(12).u32(0x145).u16(0).toByteArray());
            assertEquals(0, responseCode(shutdown).raw());
            assertEquals(before, rm.counters().tpmCommands(), "Startup or Shutdown reached the TPM");
            assertEquals(0, responseCode(exchange(c, getRandom(8))).raw());
        }
    }

    @Test
    void brokenFramingClosesThatConnectionAndNothingElse() throws Exception {
        try (Tpm a = client(); TpmObject key = newSigningKey(a)) {
            long malformed = server.health().malformed();
            byte[][] broken = {
                    new TpmWriter().u16(0x8001).u32(4).u32(0x17B).toByteArray(),            // size below a header
                    new TpmWriter().u16(0x8001).u32(1_000_000).u32(0x17B).toByteArray(),    // beyond --max-frame
                    new TpmWriter().u16(0x8001).u32(-1).u32(0x17B).toByteArray(),           // 4 GiB
            };
            for (byte[] frame : broken) {
                try (SocketChannel bad = raw()) {
                    bad.write(ByteBuffer.wrap(frame));
                    assertClosedByServer(bad);
                }
            }
            assertEquals(malformed + broken.length, server.health().malformed());
            signAndVerify(a, key, "the other connections go on");
        }
    }

    @Test
    void halfAFrameTimesOutAndHoldsUpNobody() throws Exception {
        try (Tpm a = client(); TpmObject key = newSigningKey(a); SocketChannel slow = raw()) {
            slow.write(ByteBuffer.wrap(new byte[] {(byte) 0x80, 0x01, 0, 0, 0}));
            for (int i = 0; i < 20; i++) {
                signAndVerify(a, key, "while another client dawdles " + i);
            }
            assertClosedByServer(slow);
            await("the slow connection counted as malformed", () -> server.health().malformed() >= 1);
        }
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedWhileOthersGoOn() throws Exception {
        try (Tpm a = client(); TpmObject key = newSigningKey(a)) {
            int before = server.health().connections();
            SocketChannel greedy = raw();
            greedy.configureBlocking(false);
            byte[] request = getRandom(48);
            ByteBuffer many = ByteBuffer.allocate(request.length * 40_000);
            while (many.hasRemaining()) {
                many.put(request);
            }
            many.flip();
            long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            // Write requests and never read a response: the server's writes fill the socket and time out.
            while (many.hasRemaining() && System.nanoTime() < until && greedy.isOpen()) {
                try {
                    if (greedy.write(many) == 0) {
                        Thread.sleep(5);
                    }
                } catch (IOException e) {
                    break;
                }
            }
            signAndVerify(a, key, "unaffected");
            await("the greedy connection closed", () -> server.health().connections() == before);
            greedy.close();
            signAndVerify(a, key, "still unaffected");
        }
    }

    @Test
    void aClientThatLeavesMidCommandLeavesNothingInTheTpm() throws Exception {
        byte[] createPrimary = commandBytesOf(tpm -> tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256()).close());
        long accepted = server.health().accepted();
        for (int i = 0; i < 10; i++) {
            try (SocketChannel c = raw()) {
                c.write(ByteBuffer.wrap(i % 2 == 0 ? createPrimary : java.util.Arrays.copyOf(createPrimary, 20)));
            }
            long served = accepted + i + 1;
            await("connection " + i + " accepted", () -> server.health().accepted() == served);
        }
        await("every connection ended", () -> server.health().connections() == 0);
        assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT));
    }

    @Test
    void connectionsBeyondTheCapAreRefused() throws Exception {
        List<SocketChannel> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                SocketChannel c = raw();
                open.add(c);
                assertEquals(0, responseCode(exchange(c, getRandom(4))).raw());
            }
            try (SocketChannel extra = raw()) {
                assertClosedByServer(extra);
            }
            assertEquals(1, server.health().refused());
            open.removeFirst().close();
            await("a slot freed", () -> server.health().connections() < MAX_CONNECTIONS);
            try (SocketChannel again = raw()) {
                assertEquals(0, responseCode(exchange(again, getRandom(4))).raw());
            }
        } finally {
            for (SocketChannel c : open) {
                c.close();
            }
        }
    }

    @Test
    void whenTheTpmGoesAwayEveryConnectionEndsAndTheServerSaysSo() throws Exception {
        Tpm a = client();
        TpmObject key = newSigningKey(a);
        try (SocketChannel idle = raw()) {
            assertEquals(0, responseCode(exchange(idle, getRandom(4))).raw());
            chip.remove();
            assertThrows(TpmDeviceRemovedException.class, () -> a.sign(key, RmTesting.sha256("gone")));
            assertClosedByServer(idle);
            try (SocketChannel late = raw()) {
                assertClosedByServer(late);
            }
            String health = healthLine();
            assertTrue(health.contains("\"state\":\"tpm-removed\""), health);
            assertThrows(TpmDeviceRemovedException.class, () -> a.getRandom(1));
        } finally {
            a.close();
        }
    }

    @Test
    void aKilledTpmProcessIsNoticedByTheServerAsRemoval() throws Exception {
        try (Tpm a = client(); SocketChannel idle = raw()) {
            TpmObject key = newSigningKey(a);
            assertEquals(0, responseCode(exchange(idle, getRandom(4))).raw());
            RmTesting.signal("KILL", swtpm.pid());
            assertThrows(TpmDeviceRemovedException.class, () -> a.sign(key, RmTesting.sha256("no TPM")));
            assertTrue(chip.isRemoved());
            assertClosedByServer(idle);
            String health = healthLine();
            assertTrue(health.contains("\"state\":\"tpm-removed\""), health);
        }
    }

    @Test
    void closingTheServerEndsEveryConnectionAndFlushesWhatTheyHeld() throws Exception {
        Tpm a = client();
        Tpm b = client();
        TpmObject key = newSigningKey(a);
        AuthSession session = b.startSession(Session.hmac(TpmAlg.SHA256));
        b.execute(new ContextSave(session.handle()));
        newSigningKey(b);
        assertEquals(2, raw.handles(TpmHt.TRANSIENT).size(), "a's and b's keys are in the TPM");
        server.close();
        assertEquals(0, server.health().connections());
        assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT), "objects left after the server closed");
        assertEquals(List.of(), raw.loadedSessions(), "loaded sessions left after the server closed");
        assertThrows(TpmDeviceRemovedException.class, () -> a.sign(key, RmTesting.sha256("after close")));
        a.close();
        b.close();
    }

    @Test
    void mssimPlatformSignalsAreAcknowledgedWithoutTouchingTheTpmAndLocalityIsRefusedClearly() throws Exception {
        try (SocketChannel platform = SocketChannel.open(new InetSocketAddress("127.0.0.1", mssimPort + 1));
             SocketChannel command = SocketChannel.open(new InetSocketAddress("127.0.0.1", mssimPort))) {
            long before = rm.counters().tpmCommands();
            for (int signal : new int[] {1, 11, 2, 17, 18, 9, 10, 3, 4, 12, 1}) {   // power, NV, reset, cancel, PP
                platform.write(ByteBuffer.wrap(new TpmWriter().u32(signal).toByteArray()));
                assertArrayEquals(new byte[4], readExactly(platform, 4), "acknowledgement of signal " + signal);
            }
            assertEquals(before, rm.counters().tpmCommands(), "a platform signal reached the TPM");

            byte[] random = mssim(command, 0, getRandom(16));
            assertEquals(0, responseCode(random).raw());
            assertEquals(12 + 16, random.length);
            byte[] refused = mssim(command, 3, getRandom(16));
            assertEquals((ResponseCode.RESOURCE_MANAGER_LAYER << 16) | TpmRc.LOCALITY.value(), responseCode(refused).raw());

            platform.write(ByteBuffer.wrap(new TpmWriter().u32(5).toByteArray()));    // HASH_START: locality 4, DRTM
            assertClosedByServer(platform);
            command.write(ByteBuffer.wrap(new TpmWriter().u32(20).toByteArray()));    // SESSION_END
            assertClosedByServer(command);
        }
    }

    // -------------------------------------------------------------------------------------------------------------

    private SocketChannel raw() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(rawSocket));
    }

    private String healthLine() throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(healthSocket));
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            while (c.read(buffer) >= 0) {
                if (!buffer.hasRemaining()) {
                    break;
                }
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }

    /** The bytes the facade sends for a piece of work, captured from an in-process space. */
    private byte[] commandBytesOf(java.util.function.Consumer<Tpm> work) {
        AtomicReference<byte[]> first = new AtomicReference<>();
        try (Space space = rm.openSpace("capture")) {
            work.accept(Tpm.on(command -> {
                first.compareAndSet(null, command.clone());
                return space.transmit(command);
            }));
        }
        return first.get();
    }
}
