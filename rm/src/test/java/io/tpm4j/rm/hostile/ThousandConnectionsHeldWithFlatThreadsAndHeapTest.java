package io.tpm4j.rm.hostile;

import io.tpm4j.rm.server.RmServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, Scale: a thousand clients connect and hold their connections open, then each runs a command. Every
 * one is served, and the server's platform threads and heap do not grow with the connections (each is a parked
 * virtual thread and a socket). {@code -Dtpm4j.hostile.connections=N} sets the number (default 1000).
 */
class ThousandConnectionsHeldWithFlatThreadsAndHeapTest {

    private static final Logger log = LoggerFactory.getLogger(ThousandConnectionsHeldWithFlatThreadsAndHeapTest.class);
    private static final int CONNECTIONS = Integer.getInteger("tpm4j.hostile.connections", 1000);
    /** Platform threads the server may add however many connections it holds: the event loop, carriers. */
    private static final int THREAD_ALLOWANCE = 8;
    private static final long MIB = 1024 * 1024;
    /** Generous: a connection costs a few KiB of heap (buffers, its space, its virtual thread's stack). */
    private static final long HEAP_ALLOWANCE = 64 * MIB;

    @TempDir
    Path dir;

    @Test
    void aThousandHeldConnectionsEachRunACommand() throws Exception {
        RmServer.Options options = RmServer.Options.defaults().withMaxConnections(CONNECTIONS + 24)
                .withMaxConnectionsPerPeer(CONNECTIONS + 24);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<SocketChannel> clients = new ArrayList<>(CONNECTIONS);
        try (ServerOnSwtpm tpm = new ServerOnSwtpm(dir, options)) {
            try (SocketChannel warmUp = tpm.connect(tpm.rawSocket)) {
                assertEquals(0, RawFrames.responseCode(RawFrames.exchange(warmUp, RawFrames.getRandom(8))));
            }
            ServerOnSwtpm.await("the warm-up connection ended", 10, () -> tpm.server.health().connections() == 0);
            int threadsBefore = threads.getThreadCount();   // live platform threads (virtual ones are not counted)
            long heapBefore = heapAfterGc(memory);
            long start = System.nanoTime();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    clients.add(tpm.connect(tpm.rawSocket));
                }
                ServerOnSwtpm.await(CONNECTIONS + " connections held", 60,
                        () -> tpm.server.health().connections() == CONNECTIONS);
                long held = System.nanoTime();
                int threadsHeld = threads.getThreadCount();
                long heapHeld = heapAfterGc(memory);

                byte[] command = RawFrames.getRandom(8);
                for (SocketChannel c : clients) {
                    c.write(ByteBuffer.wrap(command));
                }
                for (SocketChannel c : clients) {
                    assertEquals(0, RawFrames.responseCode(RawFrames.readResponse(c)));
                }
                long served = System.nanoTime();
                assertEquals(CONNECTIONS, tpm.server.health().connections(), "every connection still open");
                assertEquals(0, tpm.server.health().refused());
                log.info("{} connections: held after {} ms, each served a command {} ms later; platform threads {} -> {}; "
                                + "heap after GC {} -> {} MiB", CONNECTIONS, (held - start) / 1_000_000,
                        (served - held) / 1_000_000, threadsBefore, threadsHeld, heapBefore / MIB, heapHeld / MIB);
                assertTrue(threadsHeld - threadsBefore <= THREAD_ALLOWANCE,
                        "platform threads grew with connections: " + threadsBefore + " -> " + threadsHeld);
                assertTrue(heapHeld - heapBefore <= HEAP_ALLOWANCE,
                        "heap grew by " + (heapHeld - heapBefore) / MIB + " MiB for " + CONNECTIONS + " connections");
            } finally {
                for (SocketChannel c : clients) {
                    c.close();
                }
            }
            ServerOnSwtpm.await("every connection ended", 60, () -> tpm.server.health().connections() == 0);
        }
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
