package io.tpm4j.testhw;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ffi layer against the Linux kernel's real TPM devices: boots a kernel under qemu with an emulated TPM
 * (the shared kernel-vm tool) and runs {@link KernelDeviceProbe} inside. Skipped, saying why, where that
 * tool is not available or the tests do not run as root.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class KernelDevicesTest {

    private static Optional<Path> vmrun() {
        String configured = System.getenv("TPM4J_VMRUN");
        if (configured != null) {
            return Optional.of(Path.of(configured));
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("tools/kernel-vm/vmrun");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Test
    void kernelDevicesBehaveAsTheDeviceLayerExpects() throws Exception {
        Optional<Path> vmrun = vmrun();
        Assumptions.assumeTrue(vmrun.isPresent(), "kernel-vm tool not found (set TPM4J_VMRUN)");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "the kernel VM needs root");
        Path project = Path.of("").toAbsolutePath().getParent();
        List<String> command = new ArrayList<>(List.of(vmrun.get().toString(), "--vtpm", "--timeout", "300",
                "--share", project.toString(), "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                // qemu's TCG emulates "-cpu max": JIT code died there with SIGILL (AVX) and SIGSEGV (the crypto
                // intrinsics, JIT-compiled code), so the guest JVM gets the options test-hw/kernel-vm-run gives it.
                "-XX:+UnlockDiagnosticVMOptions", "-XX:TieredStopAtLevel=1", "-XX:UseAVX=0",
                "-XX:-UseAESIntrinsics", "-XX:-UseAESCTRIntrinsics", "-XX:-UseGHASHIntrinsics", "-XX:-UseSHA",
                "-cp", System.getProperty("java.class.path"), KernelDeviceProbe.class.getName()));
        Path log = Files.createTempFile("tpm4j-kernel-vm", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(p.waitFor(540, TimeUnit.SECONDS), "the kernel VM did not finish");
            String output = Files.readString(log);
            assertEquals(0, p.exitValue(), output);
            for (String check : List.of("ok discovery", "ok tpmrm0 non-blocking", "ok tpmrm0 blocking mode",
                    "ok two tpmrm0 opens", "ok tpm0 is exclusive", "ok tpmrm0 answers an unknown command",
                    "ok tpmrm0 refuses a virtual handle", "ok vTPM proxy", "all kernel checks passed")) {
                assertTrue(output.contains(check), "missing '" + check + "' in:\n" + output);
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
