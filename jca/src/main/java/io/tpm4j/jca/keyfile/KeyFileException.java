package io.tpm4j.jca.keyfile;

import java.security.GeneralSecurityException;

/**
 * A TSS2 PRIVATE KEY file that cannot be used: malformed PEM or DER, a field out of bounds, an unknown key type, a
 * public area that is no TPM2B_PUBLIC. The message names the field and, where there is one, the byte offset in the
 * DER. A file that cannot be read at all is an {@link java.io.IOException} instead; what the TPM refuses when the key
 * is loaded is a {@link io.tpm4j.api.TpmException}.
 */
public final class KeyFileException extends GeneralSecurityException {

    private final int offset;

    public KeyFileException(String message, int offset) {
        this(message, offset, null);
    }

    public KeyFileException(String message, int offset, Throwable cause) {
        super(message + (offset >= 0 && !message.contains("(at byte offset") ? " (at byte offset " + offset + ")" : ""),
                cause);
        this.offset = offset;
    }

    /** The byte offset in the DER where the problem was found, or -1 when it concerns the whole file. */
    public int offset() {
        return offset;
    }
}
