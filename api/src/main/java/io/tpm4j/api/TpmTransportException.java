package io.tpm4j.api;

import java.util.Optional;

/**
 * A transport could not carry a command: a failed system call (named with its errno), a timeout, or a
 * device that is unusable after an earlier failure. The message says what to do about it.
 */
public sealed class TpmTransportException extends TpmException permits TpmTimeoutException {

    private final String device;
    private final String syscall;
    private final String errno;

    public TpmTransportException(String device, String syscall, String errno, String message, Throwable cause) {
        super(compose(device, syscall, errno, message), cause);
        this.device = device;
        this.syscall = syscall;
        this.errno = errno;
    }

    public TpmTransportException(String device, String message) {
        this(device, null, null, message, null);
    }

    private static String compose(String device, String syscall, String errno, String message) {
        StringBuilder text = new StringBuilder(device);
        if (syscall != null) {
            text.append(": ").append(syscall).append(" failed");
            if (errno != null) {
                text.append(" with ").append(errno);
            }
        }
        return text.append(": ").append(message).toString();
    }

    /** The device path or description of the transport. */
    public String device() {
        return device;
    }

    /** The system call that failed, when one did. */
    public Optional<String> syscall() {
        return Optional.ofNullable(syscall);
    }

    /** The symbolic errno ({@code "EACCES"}), when a system call failed. */
    public Optional<String> errno() {
        return Optional.ofNullable(errno);
    }
}
