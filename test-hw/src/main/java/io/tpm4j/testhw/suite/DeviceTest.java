package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmTimeoutException;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.ffi.DeviceFile;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import io.tpm4j.testhw.Target;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel device semantics tpm4j relies on (docs/device.md), where the target is a kernel device. */
@ExtendWith(LeakCheck.class)
public class DeviceTest {

    /** How many 1 ms Creates the timeout test tries before it concludes the device never times out. */
    private static final int CREATE_ATTEMPTS = 5;

    private final SuiteContext context = SuiteContext.current();
    private final Tpm tpm = context.tpm();

    private Path device() {
        Assumptions.assumeTrue(context.target() instanceof Target.Device, "applies to kernel TPM devices only");
        return ((Target.Device) context.target()).path();
    }

    @Test
    @DisplayName("/dev/tpmN is exclusive: a second open fails with EBUSY")
    void rawDeviceIsExclusive() {
        Path path = device();
        Assumptions.assumeTrue(path.getFileName().toString().matches("tpm\\d+"), "applies to /dev/tpmN only");
        TpmTransportException busy = assertThrows(TpmTransportException.class, () -> LinuxTpmDevice.open(path).close());
        assertTrue(busy.getMessage().contains("EBUSY"), busy.getMessage());
    }

    @Test
    @DisplayName("an unknown command code is answered TPM_RC_COMMAND_CODE")
    void unknownCommandCode() {
        Assumptions.assumeTrue(context.target() instanceof Target.Device || context.target().isResourceManager(),
                "applies to kernel devices and resource managers");
        byte[] response = tpm.transport().transmit(new TpmWriter().u16(0x8001).u32(10).u32(0x0000FFFF).toByteArray());
        ResponseCode rc = new ResponseCode(TpmHeader.ofResponse(response).code());
        assertTrue(rc.is(TpmRc.COMMAND_CODE), rc.toString());
        context.observe("unknown command code (0x0000FFFF)", String.format("0x%08x (%s)", rc.raw(),
                rc.layer() == ResponseCode.RESOURCE_MANAGER_LAYER ? "answered by the resource manager" : "answered by the TPM"));
    }

    @Test
    @DisplayName("the 4096-byte limit: a 4096-byte command reaches the TPM, a larger one is refused before the kernel")
    void bufferLimit() {
        device();
        byte[] full = new TpmWriter().u16(0x8001).u32(LinuxTpmDevice.MAX_MESSAGE).u32(0x17B).u16(8)
                .bytes(new byte[LinuxTpmDevice.MAX_MESSAGE - 12]).toByteArray();
        byte[] response = tpm.transport().transmit(full);
        assertTrue(response.length >= 10, "a whole response to a 4096-byte command");
        assertTrue(TpmHeader.ofResponse(response).code() != 0,
                "GetRandom with 4084 stray bytes is an error the TPM reports");
        byte[] tooBig = new TpmWriter().u16(0x8001).u32(LinuxTpmDevice.MAX_MESSAGE + 1).u32(0x17B).u16(8)
                .bytes(new byte[LinuxTpmDevice.MAX_MESSAGE + 1 - 12]).toByteArray();
        // tpm4j refuses it before write(), which would fail with E2BIG.
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> tpm.transport().transmit(tooBig));
        assertTrue(refused.getMessage().contains("4096"), refused.getMessage());
        assertEquals(32, tpm.getRandom(32).length, "the device works on after both");
    }

    /**
     * A kernel device to drive by hand: the target's own /dev/tpmrmN, or beside a /dev/tpmN target (which holds
     * that exclusive node open) the chip's /dev/tpmrmN — both run the same code in tpm-dev-common.c.
     */
    private Path sharedNode() {
        Path path = device();
        String file = path.getFileName().toString();
        Path shared = file.startsWith("tpmrm") ? path : path.resolveSibling(file.replace("tpm", "tpmrm"));
        Assumptions.assumeTrue(Files.exists(shared), "needs " + shared + " beside " + path);
        return shared;
    }

    private static byte[] getRandom(int count) {
        return new TpmWriter().u16(0x8001).u32(12).u32(TpmCc.GET_RANDOM.value()).u16(count).toByteArray();
    }

    @Test
    @DisplayName("O_NONBLOCK: read with nothing pending gives 0 bytes, poll says when the response is there, "
            + "and a response can be read in pieces")
    void nonBlockingPollAndPartialReads() {
        try (DeviceFile file = DeviceFile.open(sharedNode(), true)) {
            DeviceFile.Readiness idle = file.readiness();
            assertTrue(!idle.readable() && idle.writable(), "before a command poll reports POLLOUT only: " + idle);
            assertEquals(0, file.read(LinuxTpmDevice.MAX_MESSAGE).length, "read with nothing pending returns 0");
            byte[] command = getRandom(16);
            assertEquals(command.length, file.write(command), "write takes the whole command");
            DeviceFile.Readiness ready = file.awaitReadable(Duration.ofSeconds(10));
            assertTrue(ready.readable() && !ready.error() && !ready.hangup(), "poll after the command: " + ready);
            byte[] head = file.read(6);
            assertEquals(6, head.length, "a 6-byte read takes 6 bytes of the response");
            int size = ByteBuffer.wrap(head).getInt(2);
            byte[] rest = file.read(LinuxTpmDevice.MAX_MESSAGE);
            assertEquals(size - 6, rest.length, "the next read gives the rest of the " + size + " bytes");
            assertEquals(0, ByteBuffer.wrap(rest).getInt(0), "GetRandom succeeded");
            assertEquals(16, ByteBuffer.wrap(rest).getShort(4), "and returned 16 bytes");
            assertFalse(file.readiness().readable(), "nothing left to read");
        }
    }

    @Test
    @DisplayName("a write while a response is unread fails with EBUSY; a zero-length read discards that response")
    void unreadResponseBlocksTheNextWrite() {
        byte[] command = getRandom(8);
        try (DeviceFile file = DeviceFile.open(sharedNode(), true)) {
            file.write(command);
            assertTrue(file.awaitReadable(Duration.ofSeconds(10)).readable(), "the response arrived");
            TpmTransportException busy = assertThrows(TpmTransportException.class, () -> file.write(command));
            assertTrue(busy.getMessage().contains("write") && busy.getMessage().contains("EBUSY"), busy.getMessage());
            assertEquals(0, file.read(0).length);
            assertFalse(file.readiness().readable(), "the zero-length read dropped the response");
            file.write(command);
            assertTrue(file.awaitReadable(Duration.ofSeconds(10)).readable(), "the next response arrived");
            assertEquals(20, file.read(LinuxTpmDevice.MAX_MESSAGE).length, "the device works on");
        }
    }

    @Test
    @DisplayName("a command past its deadline fails with TpmTimeoutException; its late response is discarded "
            + "before the next command")
    void timeoutThenLateResponse() {
        // Only Create gets 1 ms: a new RSA key needs fresh primes, which takes any TPM far longer (a primary's
        // could come from the TPM's cache), so its wait times out. A wait that wakes late (a loaded VM) may find
        // the response already there, which the device rightly returns; so a few tries. VtpmDeadlineTest shows
        // the same with a TPM that holds the command for as long as the test likes.
        LinuxTpmDevice.Options options = LinuxTpmDevice.Options.defaults().withTimeouts(code ->
                code == TpmCc.CREATE.value() ? Duration.ofMillis(1) : Duration.ofSeconds(60));
        // What this open loads lives in its own space; closing the /dev/tpmrmN file flushes it.
        try (Tpm own = Tpm.on(LinuxTpmDevice.open(sharedNode(), options));
             TpmObject srk = own.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            TpmTimeoutException late = null;
            for (int attempt = 0; attempt < CREATE_ATTEMPTS && late == null; attempt++) {
                try {
                    own.create(srk, Templates.rsaSigningKey());
                } catch (TpmTimeoutException e) {
                    late = e;
                }
            }
            assertNotNull(late, CREATE_ATTEMPTS + " Creates of an RSA key each came back within a 1 ms deadline");
            assertTrue(late.getMessage().contains("TPM2_Create"), late.getMessage());
            assertEquals(16, own.getRandom(16).length, "the next command waits out the late response, then runs");
        }
    }
}
