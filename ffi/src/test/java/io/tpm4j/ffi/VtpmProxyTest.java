package io.tpm4j.ffi;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemoryLayout;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vTPM proxy without /dev/vtpmx: ioctl number and struct layout, the error paths, and the serving loop
 * driven over a socketpair with the test playing the kernel. The real ioctl runs in the kernel VM suite.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VtpmProxyTest {

    @Test
    void ioctlNumberMatchesTheKernelHeader() {
        assertEquals(0xC014A100L, VtpmProxy.IOC_NEW_DEV);
    }

    @Test
    void structLayoutIsFiveU32() {
        assertEquals(20, VtpmProxy.NEW_DEV.byteSize());
        String[] fields = {"flags", "tpm_num", "fd", "major", "minor"};
        for (int i = 0; i < fields.length; i++) {
            assertEquals(4L * i, VtpmProxy.NEW_DEV.byteOffset(MemoryLayout.PathElement.groupElement(fields[i])));
        }
    }

    @Test
    void missingControlDeviceSaysWhichModuleToLoad() {
        TpmTransportException e = assertThrows(TpmTransportException.class,
                () -> VtpmProxy.create(Path.of("/nonexistent/vtpmx"), command -> command));
        assertTrue(e.getMessage().contains("open failed with ENOENT"), e.getMessage());
        assertTrue(e.getMessage().contains("modprobe tpm_vtpm_proxy"), e.getMessage());
    }

    @Test
    void aDeviceThatIsNotVtpmxRefusesTheIoctl() {
        TpmTransportException e = assertThrows(TpmTransportException.class,
                () -> VtpmProxy.create(Path.of("/dev/null"), command -> command));
        assertEquals("ioctl", e.syscall().orElseThrow());
        assertEquals("ENOTTY", e.errno().orElseThrow());
        assertTrue(e.getMessage().contains("not /dev/vtpmx"), e.getMessage());
    }

    @Test
    void servesCommandsAndAnswersTheLocalityCommand() {
        try (Swtpm backend = Swtpm.startChardev()) {
            Tpm.on(backend.transport()).startupIfNeeded();
            int[] pair = Descriptors.socketPair(LibC.SOCK_STREAM);
            VtpmProxy proxy = VtpmProxy.serve(pair[1], backend.transport());
            // The test is the kernel: it writes commands on its end and reads the answers.
            try (LinuxTpmDevice kernelSide = LinuxTpmDevice.wrap(pair[0], "kernel side", LinuxTpmDevice.Options.defaults())) {
                byte[] locality = new TpmWriter().u16(TpmHeader.ST_SESSIONS).u32(11).u32(VtpmProxy.CC_SET_LOCALITY).u8(3)
                        .toByteArray();
                assertArrayEquals(new TpmWriter().u16(TpmHeader.ST_NO_SESSIONS).u32(10).u32(0).toByteArray(),
                        kernelSide.transmit(locality));
                assertEquals(3, proxy.locality());
                assertEquals(24, Tpm.on(kernelSide).getRandom(24).length);
                proxy.close();
                // Closing the proxy closes its end: the kernel side sees the chip go away.
                assertThrows(io.tpm4j.api.TpmDeviceRemovedException.class, () -> Tpm.on(kernelSide).getRandom(1));
            }
        }
    }

    @Test
    void aCommandWithAnImpossibleSizeIsAnsweredWithCommandSize() {
        int[] pair = Descriptors.socketPair(LibC.SOCK_STREAM);
        VtpmProxy proxy = VtpmProxy.serve(pair[1], command -> {
            throw new AssertionError("the backend must not see a malformed command");
        });
        HostilePeerTest.Peer kernel = new HostilePeerTest.Peer(pair[0]);
        try {
            kernel.write(new TpmWriter().u16(TpmHeader.ST_NO_SESSIONS).u32(5000).u32(0x17B).toByteArray());
            byte[] answer = kernel.read();
            assertEquals(io.tpm4j.api.types.TpmRc.COMMAND_SIZE.value(), TpmHeader.ofResponse(answer).code());
        } finally {
            proxy.close();
            kernel.close();
        }
    }

    @Test
    void backendFailureBecomesATpmFailureResponse() {
        int[] pair = Descriptors.socketPair(LibC.SOCK_STREAM);
        VtpmProxy proxy = VtpmProxy.serve(pair[1], command -> {
            throw new TpmTransportException("dead backend", "gone");
        });
        try (LinuxTpmDevice kernelSide = LinuxTpmDevice.wrap(pair[0], "kernel side", LinuxTpmDevice.Options.defaults())) {
            io.tpm4j.api.TpmResponseException e = assertThrows(io.tpm4j.api.TpmResponseException.class,
                    () -> Tpm.on(kernelSide).getRandom(8));
            assertTrue(e.is(io.tpm4j.api.types.TpmRc.FAILURE), e.getMessage());
        } finally {
            proxy.close();
        }
    }

    @Test
    void closingDoesNotWaitForABackendStuckOnACommand() throws Exception {
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        int[] pair = Descriptors.socketPair(LibC.SOCK_STREAM);
        VtpmProxy proxy = VtpmProxy.serve(pair[1], command -> {
            arrived.countDown();
            try {
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TpmHeader.headerOnlyResponse(0);
        });
        try (LinuxTpmDevice kernelSide = LinuxTpmDevice.wrap(pair[0], "kernel side", LinuxTpmDevice.Options.defaults())) {
            java.util.concurrent.CompletableFuture<byte[]> stuck = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> Tpm.on(kernelSide).getRandom(8));
            assertTrue(arrived.await(10, java.util.concurrent.TimeUnit.SECONDS), "the command reached the backend");
            long start = System.nanoTime();
            proxy.close();
            assertTrue(System.nanoTime() - start < java.time.Duration.ofSeconds(1).toNanos(),
                    "close took " + (System.nanoTime() - start) / 1_000_000 + " ms");
            // The descriptor is closed while the backend still works: the waiting side sees the chip go.
            java.util.concurrent.ExecutionException gone = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> stuck.get(10, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(gone.getCause() instanceof io.tpm4j.api.TpmDeviceRemovedException, gone.getCause().toString());
        } finally {
            release.countDown();
        }
    }
}
