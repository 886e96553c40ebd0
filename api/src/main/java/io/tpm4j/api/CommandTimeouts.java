package io.tpm4j.api;


import java.time.Duration;
import java.util.Objects;

/** How long a transport waits for the response to each command. */
@FunctionalInterface
public interface CommandTimeouts {

    /** The deadline for a command with this TPM_CC. */
    Duration forCommand(int commandCode);

    /**
     * The Linux kernel's per-command durations (drivers/char/tpm/tpm2-cmd.c, tpm2_ordinal_duration_map)
     * plus one second, so that on a kernel device the kernel's own timeout (ETIME) is reported first.
     * Commands the kernel does not list get its default of 120 s.
     */
    static CommandTimeouts kernelDefaults() {
        return KernelDurations.INSTANCE;
    }

    /** The same deadline for every command. */
    static CommandTimeouts fixed(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return code -> timeout;
    }
}
