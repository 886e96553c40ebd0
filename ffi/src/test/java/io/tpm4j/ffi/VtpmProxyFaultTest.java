package io.tpm4j.ffi;

import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backend that misbehaves behind the vTPM proxy (faults swtpm cannot produce, so a fake backend): every
 * command still gets a well-formed answer and the proxy goes on serving, because a serving thread that died
 * would leave the kernel's chip waiting for ever. And the proxy's descriptor is closed exactly once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VtpmProxyFaultTest {

    private static final byte[] GET_RANDOM = new TpmWriter().u16(TpmHeader.ST_NO_SESSIONS).u32(12).u32(0x17B).u16(8)
            .toByteArray();
    private static final byte[] GOOD_ANSWER = new TpmWriter().u16(TpmHeader.ST_NO_SESSIONS).u32(20).u32(0).u16(8)
            .u64(0x0102030405060708L).toByteArray();
    private static final byte[] FAILURE = TpmHeader.headerOnlyResponse(TpmRc.FAILURE.value());

    /** A backend whose next answers are given by the test, one supplier per command. */
    private static final class Scripted implements TpmTransport {
        final Queue<Supplier<byte[]>> next = new ConcurrentLinkedQueue<>();

        @Override
        public byte[] transmit(byte[] command) {
            return next.remove().get();
        }
    }

    @Test
    void malformedBackendResponsesAreAnsweredWithFailureAndServingGoesOn() {
        byte[] oversized = new byte[LinuxTpmDevice.MAX_MESSAGE + 1];
        System.arraycopy(new TpmWriter().u16(TpmHeader.ST_NO_SESSIONS).u32(oversized.length).u32(0).toByteArray(), 0,
                oversized, 0, TpmHeader.SIZE);
        List<byte[]> malformed = List.of(
                oversized,                                                                   // over the kernel's 4,096
                new byte[0],                                                                 // nothing
                new byte[] {(byte) 0x80, 1, 0, 0},                                           // shorter than a header
                new TpmWriter().u16(TpmHeader.ST_NO_SESSIONS).u32(30).u32(0).toByteArray(),  // size says more
                new TpmWriter().u16(0x1234).u32(10).u32(0).toByteArray(),                    // no response tag
                new TpmWriter().u16(TpmHeader.ST_NO_SESSIONS).u32(14).u32(0x101).u32(7).toByteArray());  // error + body
        Scripted backend = new Scripted();
        try (Served served = Served.over(backend)) {
            backend.next.add(() -> null);
            assertArrayEquals(FAILURE, served.kernel.transmit(GET_RANDOM), "a null response");
            for (byte[] response : malformed) {
                backend.next.add(() -> response);
                assertArrayEquals(FAILURE, served.kernel.transmit(GET_RANDOM), response.length + "-byte response");
                backend.next.add(() -> GOOD_ANSWER);
                assertArrayEquals(GOOD_ANSWER, served.kernel.transmit(GET_RANDOM), "the next command is served");
            }
            assertTrue(served.proxy.serving());
        }
    }

    @Test
    void anyExceptionFromTheBackendIsAnsweredWithFailureAndServingGoesOn() {
        List<RuntimeException> thrown = List.of(new NullPointerException("a bug in the backend"),
                new ArrayIndexOutOfBoundsException(12), new UnsupportedOperationException("not here"),
                new TpmTransportException("backend", "gone"), new TpmTimeoutException("backend", 0x17B, java.time.Duration.ofSeconds(1), "too slow"),
                new IllegalStateException("closed"));
        Scripted backend = new Scripted();
        try (Served served = Served.over(backend)) {
            for (RuntimeException e : thrown) {
                backend.next.add(() -> {
                    throw e;
                });
                assertArrayEquals(FAILURE, served.kernel.transmit(GET_RANDOM), e.toString());
                backend.next.add(() -> GOOD_ANSWER);
                assertArrayEquals(GOOD_ANSWER, served.kernel.transmit(GET_RANDOM), "served after " + e);
            }
            assertTrue(served.proxy.serving());
        }
    }

    @Test
    void anErrorThatStopsTheServingThreadClosesTheDescriptorSoTheKernelRemovesTheChip() throws Exception {
        Scripted backend = new Scripted();
        backend.next.add(() -> {
            throw new LinkageError("a backend class failed to load");
        });
        try (Served served = Served.over(backend)) {
            // The kernel's end reads the end of the stream (the chip goes) instead of waiting for ever.
            AssertionError gone = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    () -> served.kernel.transmit(GET_RANDOM));
            assertTrue(gone.getMessage().contains("closed its end"), gone.getMessage());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (served.proxy.serving() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(served.proxy.serving());
        }
    }

    @Test
    void closeFromManyThreadsAtOnceClosesTheDescriptorOnlyOnce() throws Exception {
        int closers = 4;
        for (int round = 0; round < 25; round++) {
            int[] pair = Descriptors.socketPair(LibC.SOCK_STREAM);
            VtpmProxy proxy = VtpmProxy.serve(pair[1], command -> GOOD_ANSWER);
            CyclicBarrier start = new CyclicBarrier(closers + 1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < closers; i++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    await(start);
                    proxy.close();
                }));
            }
            // Bystanders opened while the closers run take the proxy's number as soon as it is free: a second
            // close of that number would close a bystander.
            List<Integer> bystanders = new ArrayList<>();
            await(start);
            while (threads.stream().anyMatch(Thread::isAlive) && bystanders.size() < 64) {
                bystanders.add(Descriptors.newWakeFd("bystander"));
            }
            for (Thread t : threads) {
                t.join();
            }
            try {
                // A number freed twice is taken twice.
                assertEquals(bystanders.size(), new java.util.HashSet<>(bystanders).size(), "round " + round
                        + ": the proxy's descriptor " + pair[1] + " was closed twice: " + bystanders);
                for (int bystander : bystanders) {
                    assertTrue(usable(bystander), "round " + round + ": descriptor " + bystander
                            + " was closed by a second close of the proxy's descriptor " + pair[1]);
                }
            } finally {
                bystanders.forEach(Descriptors::close);
                Descriptors.close(pair[0]);
            }
        }
    }

    /** Whether an eventfd of {@link Descriptors#newWakeFd} is still open and ours: its own signal reads back. */
    private static boolean usable(int eventFd) {
        Descriptors.signal(eventFd);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment value = call.allocate(ValueLayout.JAVA_LONG);
            return LibC.read(LibC.callState(call), eventFd, value, Long.BYTES) == Long.BYTES;
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A proxy over a socketpair, the test at the kernel's end. */
    record Served(VtpmProxy proxy, KernelSide kernel) implements AutoCloseable {
        static Served over(TpmTransport backend) {
            int[] pair = Descriptors.socketPair(LibC.SOCK_STREAM);
            return new Served(VtpmProxy.serve(pair[1], backend), new KernelSide(pair[0]));
        }

        @Override
        public void close() {
            proxy.close();
            kernel.close();
        }
    }
}
