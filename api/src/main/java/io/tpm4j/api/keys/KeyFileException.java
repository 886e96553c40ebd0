package io.tpm4j.api.keys;

/** A private key file that cannot be read: not PEM, an unsupported or encrypted form, or damaged DER. */
public final class KeyFileException extends Exception {

    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
