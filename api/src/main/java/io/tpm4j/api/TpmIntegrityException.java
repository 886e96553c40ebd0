package io.tpm4j.api;

import io.tpm4j.api.types.TpmCc;

/**
 * A response whose session HMAC does not match what the TPM, holding the session key, would have sent:
 * the response was altered on its way (or the session's state is not the TPM's). It is not used; the
 * session it arrived in should be closed.
 */
public final class TpmIntegrityException extends TpmException {

    private final int commandCode;

    public TpmIntegrityException(int commandCode, String message) {
        super(TpmCc.describe(commandCode) + ": " + message, null);
        this.commandCode = commandCode;
    }

    public int commandCode() {
        return commandCode;
    }
}
