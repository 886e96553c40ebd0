package io.tpm4j.api;

import java.time.Duration;

/** The TPM did not answer a command within its deadline. */
public final class TpmTimeoutException extends TpmTransportException {

    private final int commandCode;
    private final Duration timeout;

    public TpmTimeoutException(String device, int commandCode, Duration timeout, String message) {
        super(device, message);
        this.commandCode = commandCode;
        this.timeout = timeout;
    }

    /** The TPM_CC of the command that timed out. */
    public int commandCode() {
        return commandCode;
    }

    /** The deadline that passed. */
    public Duration timeout() {
        return timeout;
    }
}
