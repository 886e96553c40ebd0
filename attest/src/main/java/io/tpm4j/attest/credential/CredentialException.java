package io.tpm4j.attest.credential;

/**
 * A credential that cannot be made from what the verifier was given: which input was wrong, and why. Every bad input
 * to {@link Credentials#make} ends in this exception and in no other.
 */
public final class CredentialException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The input that was wrong. */
    public enum Input {
        /** The EK's public area: not a key a credential can be protected to. */
        EK,
        /** The AK's Name. */
        AK_NAME,
        /** The credential secret. */
        SECRET
    }

    private final Input input;

    public CredentialException(Input input, String problem) {
        super(input + ": " + problem);
        this.input = input;
    }

    public CredentialException(Input input, String problem, Throwable cause) {
        super(input + ": " + problem, cause);
        this.input = input;
    }

    public Input input() {
        return input;
    }
}
