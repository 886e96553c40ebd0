package io.tpm4j.api;

import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRc;

/** The TPM (or a resource manager in front of it) answered a command with an error or warning code. */
public final class TpmResponseException extends TpmException {

    private final int commandCode;
    private final ResponseCode responseCode;

    public TpmResponseException(int commandCode, int responseCode) {
        super(TpmCc.describe(commandCode) + " failed: " + new ResponseCode(responseCode).describe(), null);
        this.commandCode = commandCode;
        this.responseCode = new ResponseCode(responseCode);
    }

    /** The TPM_CC of the command that failed. */
    public int commandCode() {
        return commandCode;
    }

    /** The decoded response code: layer, format, handle/parameter/session index, name and meaning. */
    public ResponseCode responseCode() {
        return responseCode;
    }

    /** Whether the base code (without handle/parameter/session index) is {@code rc}. */
    public boolean is(TpmRc rc) {
        return responseCode.is(rc);
    }
}
