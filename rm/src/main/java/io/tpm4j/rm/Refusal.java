package io.tpm4j.rm;

import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.TpmHeader;

/**
 * A command the RM answers itself, without the TPM: a TPM-format code that goes to the client in the
 * resource-manager layer (so any TSS decodes it, as it does the kernel's 0x000b0143), and the precise reason,
 * which the RM logs. Stackless: refusals are ordinary outcomes, hostile clients can cause many.
 */
final class Refusal extends Exception {

    private static final int LAYER = ResponseCode.RESOURCE_MANAGER_LAYER << 16;
    /** Format-one position fields: handle n, session n (RC_S), parameter n (RC_P). */
    private static final int RC_S = 0x800;
    private static final int RC_P = 0x040;

    final int code;

    Refusal(TpmRc rc, String reason) {
        this(rc.value(), reason);
    }

    private Refusal(int code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    /** A TPM-format code as it is, such as a warning the TPM gave the RM. */
    static Refusal ofCode(int code, String reason) {
        return new Refusal(code, reason);
    }

    /** The code names handle {@code n} (1-based) of the handle area. */
    static Refusal handle(TpmRc rc, int n, String reason) {
        return new Refusal(rc.value() | (n << 8), reason);
    }

    /** The code names session {@code n} (1-based) of the authorisation area. */
    static Refusal session(TpmRc rc, int n, String reason) {
        return new Refusal(rc.value() | RC_S | (n << 8), reason);
    }

    /** The code names parameter {@code n} (1-based). */
    static Refusal parameter(TpmRc rc, int n, String reason) {
        return new Refusal(rc.value() | RC_P | (n << 8), reason);
    }

    /** The response code the client gets. */
    int responseCode() {
        return LAYER | code;
    }

    /** The 10-byte response that carries it. */
    byte[] response() {
        return TpmHeader.headerOnlyResponse(responseCode());
    }
}
