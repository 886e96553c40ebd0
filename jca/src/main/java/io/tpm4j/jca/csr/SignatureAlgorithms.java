package io.tpm4j.jca.csr;

import io.tpm4j.jca.der.DerWriter;

import java.io.IOException;
import java.security.AlgorithmParameters;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.util.Locale;
import java.util.Map;

/** The X.509 AlgorithmIdentifier of a JCA signature algorithm (RFC 4055, RFC 5758, RFC 8410). */
final class SignatureAlgorithms {

    private static final String RSA_PSS = "1.2.840.113549.1.1.10";

    /** Algorithms whose identifier has NULL parameters (RSA PKCS#1 v1.5). */
    private static final Map<String, String> WITH_NULL = Map.of(
            "SHA256WITHRSA", "1.2.840.113549.1.1.11",
            "SHA384WITHRSA", "1.2.840.113549.1.1.12",
            "SHA512WITHRSA", "1.2.840.113549.1.1.13");

    /** Algorithms whose identifier has no parameters at all (ECDSA, EdDSA). */
    private static final Map<String, String> WITHOUT_PARAMETERS = Map.of(
            "SHA256WITHECDSA", "1.2.840.10045.4.3.2",
            "SHA384WITHECDSA", "1.2.840.10045.4.3.3",
            "SHA512WITHECDSA", "1.2.840.10045.4.3.4",
            "ED25519", "1.3.101.112",
            "ED448", "1.3.101.113");

    private SignatureAlgorithms() {
    }

    /**
     * The AlgorithmIdentifier for a signature that has been initialised for signing (RSASSA-PSS takes its parameters
     * from it, so set them first).
     */
    static byte[] identifier(Signature signature) throws NoSuchAlgorithmException {
        String name = signature.getAlgorithm().toUpperCase(Locale.ROOT);
        String oid = WITH_NULL.get(name);
        if (oid != null) {
            return DerWriter.sequence(DerWriter.oid(oid), DerWriter.nul());
        }
        oid = WITHOUT_PARAMETERS.get(name);
        if (oid != null) {
            return DerWriter.sequence(DerWriter.oid(oid));
        }
        if (name.equals("RSASSA-PSS")) {
            AlgorithmParameters parameters = signature.getParameters();
            if (parameters == null) {
                throw new NoSuchAlgorithmException("RSASSA-PSS needs its PSSParameterSpec set before signing a request");
            }
            try {
                return DerWriter.sequence(DerWriter.oid(RSA_PSS), parameters.getEncoded());
            } catch (IOException e) {
                throw new NoSuchAlgorithmException("the RSASSA-PSS parameters have no DER encoding", e);
            }
        }
        throw new NoSuchAlgorithmException("no X.509 identifier known for the signature algorithm "
                + signature.getAlgorithm() + " (SHA256/384/512withRSA, SHA256/384/512withECDSA, RSASSA-PSS, Ed25519, "
                + "Ed448 are)");
    }
}
