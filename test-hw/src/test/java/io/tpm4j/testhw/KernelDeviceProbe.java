package io.tpm4j.testhw;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.ffi.LinuxTpmDevice;
import io.tpm4j.ffi.Swtpm;
import io.tpm4j.ffi.TpmDeviceInfo;
import io.tpm4j.ffi.TpmDevices;
import io.tpm4j.ffi.VtpmProxy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Runs inside the kernel VM (see KernelDevicesTest), where the kernel's own /dev/tpm0 and /dev/tpmrm0 exist
 * and /dev/vtpmx can create chips: prints "ok NAME" or "FAIL NAME: why" per check, exits 0 if all passed.
 */
public final class KernelDeviceProbe {

    private static int failures;

    private KernelDeviceProbe() {
    }

    interface Check {
        String run() throws Exception;
    }

    static void check(String name, Check check) {
        try {
            String detail = check.run();
            System.out.println("ok " + name + (detail.isEmpty() ? "" : " (" + detail + ")"));
        } catch (Throwable t) {
            failures++;
            System.out.println("FAIL " + name + ": " + t);
        }
    }

    static void require(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    public static void main(String[] args) {
        Path rm = Path.of("/dev/tpmrm0");
        Path raw = Path.of("/dev/tpm0");

        check("discovery", () -> {
            List<TpmDeviceInfo> devices = TpmDevices.list();
            require(!devices.isEmpty() && devices.getFirst().isTpm2(), "tpm0 is TPM 2.0: " + devices);
            require(devices.getFirst().majorVersion().orElse(0) == 2, "tpm_version_major is 2");
            require(TpmDevices.defaultDevice().equals(Optional.of(rm)), "default is /dev/tpmrm0: " + TpmDevices.defaultDevice());
            return devices.toString();
        });

        check("tpmrm0 non-blocking: 500 commands", () -> {
            try (Tpm tpm = Tpm.on(LinuxTpmDevice.open(rm))) {
                tpm.startupIfNeeded();
                for (int i = 0; i < 500; i++) {
                    require(tpm.getRandom(16).length == 16, "16 random bytes");
                }
                require(tpm.pcrValues(TpmAlg.SHA256, IntStream.range(0, 24).toArray()).size() == 24, "24 PCRs");
                return "";
            }
        });

        check("tpmrm0 blocking mode", () -> {
            try (Tpm tpm = Tpm.on(LinuxTpmDevice.open(rm, LinuxTpmDevice.Options.defaults().blocking()))) {
                require(tpm.getRandom(32).length == 32, "32 random bytes");
                return "";
            }
        });

        check("two tpmrm0 opens at once", () -> {
            try (Tpm a = Tpm.on(LinuxTpmDevice.open(rm)); Tpm b = Tpm.on(LinuxTpmDevice.open(rm))) {
                require(a.getRandom(8).length == 8 && b.getRandom(8).length == 8, "both answer");
                return "";
            }
        });

        check("tpm0 is exclusive: EBUSY names tpmrm0", () -> {
            try (LinuxTpmDevice first = LinuxTpmDevice.open(raw)) {
                require(Tpm.on(first).getRandom(8).length == 8, "first open works");
                try {
                    LinuxTpmDevice.open(raw).close();
                    throw new AssertionError("second open of /dev/tpm0 succeeded");
                } catch (TpmTransportException e) {
                    require(e.errno().orElse("").equals("EBUSY"), "EBUSY: " + e.getMessage());
                    require(e.getMessage().contains("/dev/tpmrm0"), "advice names tpmrm0: " + e.getMessage());
                    return e.getMessage();
                }
            }
        });

        check("tpmrm0 answers an unknown command in the RM layer", () -> {
            try (Tpm tpm = Tpm.on(LinuxTpmDevice.open(rm))) {
                byte[] unknown = new TpmWriter().u16(0x8001).u32(10).u32(0x0000FFFF).toByteArray();
                byte[] response = tpm.transport().transmit(unknown);
                ResponseCode rc = new ResponseCode(((response[6] & 0xFF) << 24) | ((response[7] & 0xFF) << 16)
                        | ((response[8] & 0xFF) << 8) | (response[9] & 0xFF));
                require(rc.layer() == ResponseCode.RESOURCE_MANAGER_LAYER && rc.is(TpmRc.COMMAND_CODE), rc.describe());
                return rc.describe();
            }
        });

        check("tpmrm0 refuses a virtual handle it never gave: EINVAL explained", () -> {
            try (LinuxTpmDevice device = LinuxTpmDevice.open(rm)) {
                byte[] readPublic = new TpmWriter().u16(0x8001).u32(14).u32(0x173).u32(0x80FFFFFF).toByteArray();
                try {
                    device.transmit(readPublic);
                    throw new AssertionError("ReadPublic of a foreign virtual handle succeeded");
                } catch (TpmTransportException e) {
                    require(e.errno().orElse("").equals("EINVAL"), e.getMessage());
                    return e.getMessage();
                } catch (TpmResponseException e) {
                    // Kernels that pass unknown virtual handles through get the TPM's own answer.
                    require(e.is(TpmRc.HANDLE) || e.is(TpmRc.REFERENCE_H0), e.getMessage());
                    return e.getMessage();
                }
            }
        });

        check("vTPM proxy: a swtpm served as a kernel chip, then removed", () -> {
            try (Swtpm backend = Swtpm.startChardev()) {
                VtpmProxy proxy = VtpmProxy.create(backend.transport());
                LinuxTpmDevice device = null;
                try {
                    Path node = proxy.resourceManager();
                    long deadline = System.nanoTime() + 20_000_000_000L;
                    while (!Files.exists(node) && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    require(Files.exists(node), node + " appeared");
                    device = LinuxTpmDevice.open(node);
                    Tpm tpm = Tpm.on(device);
                    require(tpm.getRandom(16).length == 16, "random bytes through the new chip");
                    proxy.close();
                    try {
                        tpm.getRandom(16);
                        throw new AssertionError("command after removal succeeded");
                    } catch (TpmDeviceRemovedException expected) {
                        // removal as user space sees it
                    }
                    try {
                        tpm.getRandom(16);
                        throw new AssertionError("second command after removal succeeded");
                    } catch (TpmDeviceRemovedException expected) {
                        // stays removed without touching the descriptor
                    }
                    device.close();
                    try {
                        LinuxTpmDevice.open(node).close();
                        throw new AssertionError("reopen of a removed chip succeeded");
                    } catch (TpmException e) {
                        return "/dev/tpm" + proxy.tpmNumber() + ", reopen: " + e.getMessage();
                    }
                } finally {
                    proxy.close();
                    if (device != null) {
                        device.close();
                    }
                }
            }
        });

        System.out.println(failures == 0 ? "all kernel checks passed" : failures + " kernel checks failed");
        System.exit(failures == 0 ? 0 : 1);
    }
}
