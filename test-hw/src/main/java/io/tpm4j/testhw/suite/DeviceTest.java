package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import io.tpm4j.testhw.Target;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel device semantics tpm4j relies on (docs/device.md), where the target is a kernel device. */
@ExtendWith(LeakCheck.class)
public class DeviceTest {

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
        ResponseCode rc = new ResponseCode(java.nio.ByteBuffer.wrap(response).getInt(6));
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
        assertTrue(java.nio.ByteBuffer.wrap(response).getInt(6) != 0,
                "GetRandom with 4084 stray bytes is an error the TPM reports");
        byte[] tooBig = new TpmWriter().u16(0x8001).u32(LinuxTpmDevice.MAX_MESSAGE + 1).u32(0x17B).u16(8)
                .bytes(new byte[LinuxTpmDevice.MAX_MESSAGE + 1 - 12]).toByteArray();
        // tpm4j refuses it before write(), which would fail with E2BIG.
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> tpm.transport().transmit(tooBig));
        assertTrue(refused.getMessage().contains("4096"), refused.getMessage());
        assertEquals(32, tpm.getRandom(32).length, "the device works on after both");
    }
}
