package io.tpm4j.ffi;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One TPM chip the kernel knows, from /sys/class/tpm: its raw device, its resource-manager device (the
 * kernel creates {@code /dev/tpmrmN} only for TPM 2.0 chips), and its TPM major version when the kernel
 * reports it ({@code tpm_version_major}, Linux 5.6+).
 */
public record TpmDeviceInfo(String name, int index, Path device, Optional<Path> resourceManager,
                            OptionalInt majorVersion) {

    /** Whether this is a TPM 2.0 chip: the kernel says so, or it has a resource-manager device. */
    public boolean isTpm2() {
        return majorVersion.isPresent() ? majorVersion.getAsInt() == 2 : resourceManager.isPresent();
    }
}
