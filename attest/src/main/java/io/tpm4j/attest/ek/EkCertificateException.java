package io.tpm4j.attest.ek;

/**
 * An EK certificate, or what surrounds it, that cannot be read: malformed or oversized DER, a certificate the JDK
 * cannot parse, an NV index too large to be a certificate. The message says what was wrong and where.
 */
public final class EkCertificateException extends Exception {

    private static final long serialVersionUID = 1L;

    public EkCertificateException(String problem) {
        super(problem);
    }

    public EkCertificateException(String problem, Throwable cause) {
        super(problem, cause);
    }
}
