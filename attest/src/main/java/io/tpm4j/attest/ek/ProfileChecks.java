package io.tpm4j.attest.ek;

import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Optional;

/**
 * The TCG EK Credential Profile's own checks on an EK certificate, beyond what PKIX checks: what makes it an EK
 * certificate rather than any certificate a trusted CA issued.
 */
final class ProfileChecks {

    /** tcg-kp-EKCertificate. */
    static final String EK_CERTIFICATE_EKU = "2.23.133.8.1";

    private static final int KEY_ENCIPHERMENT = 2;
    private static final int KEY_AGREEMENT = 4;

    private ProfileChecks() {
    }

    /** Runs every profile check; returns the TPM identity when the subjectAltName gave one. */
    static Optional<TpmIdentity> check(X509Certificate certificate, Findings findings) {
        extendedKeyUsage(certificate, findings);
        keyUsage(certificate, findings);
        basicConstraints(certificate, findings);
        return subjectAltName(certificate, findings);
    }

    /**
     * The profile has the EKU extension SHOULD be present and, when present, SHALL hold tcg-kp-EKCertificate; many
     * manufacturers' certificates have none, so only a present EKU without the EK purpose fails. A certificate whose
     * EKU names other purposes only was issued for something else: accepting it as an EK certificate would let any
     * key the CA certified stand in for an EK.
     */
    private static void extendedKeyUsage(X509Certificate certificate, Findings findings) {
        try {
            List<String> purposes = certificate.getExtendedKeyUsage();
            if (purposes != null && !purposes.contains(EK_CERTIFICATE_EKU)) {
                findings.fail(EkCheck.EXTENDED_KEY_USAGE, "the extended key usage " + purposes
                        + " does not include tcg-kp-EKCertificate (" + EK_CERTIFICATE_EKU + ")");
                return;
            }
            findings.pass(EkCheck.EXTENDED_KEY_USAGE);
        } catch (CertificateParsingException e) {
            findings.fail(EkCheck.EXTENDED_KEY_USAGE, "the extended key usage does not parse: " + e.getMessage());
        }
    }

    /** An RSA EK decrypts (keyEncipherment); an ECC EK does key agreement (keyAgreement), as the profile requires. */
    private static void keyUsage(X509Certificate certificate, Findings findings) {
        boolean[] usage = certificate.getKeyUsage();
        PublicKey key = certificate.getPublicKey();
        int needed;
        String name;
        if (key instanceof RSAPublicKey) {
            needed = KEY_ENCIPHERMENT;
            name = "keyEncipherment";
        } else if (key instanceof ECPublicKey) {
            needed = KEY_AGREEMENT;
            name = "keyAgreement";
        } else {
            findings.fail(EkCheck.KEY_USAGE, "the certified key is " + key.getAlgorithm() + ", neither RSA nor EC");
            return;
        }
        if (usage == null) {
            findings.fail(EkCheck.KEY_USAGE, "the certificate has no key usage extension; an " + key.getAlgorithm()
                    + " EK certificate needs " + name);
        } else if (usage.length <= needed || !usage[needed]) {
            findings.fail(EkCheck.KEY_USAGE, "the key usage lacks " + name + ", which an " + key.getAlgorithm()
                    + " EK certificate needs");
        } else {
            findings.pass(EkCheck.KEY_USAGE);
        }
    }

    /** An EK certificate certifies an end entity: a CA flag would let the EK's holder issue certificates. */
    private static void basicConstraints(X509Certificate certificate, Findings findings) {
        if (certificate.getBasicConstraints() >= 0) {
            findings.fail(EkCheck.BASIC_CONSTRAINTS, "the certificate is a CA certificate (basicConstraints cA=true)");
        } else {
            findings.pass(EkCheck.BASIC_CONSTRAINTS);
        }
    }

    private static Optional<TpmIdentity> subjectAltName(X509Certificate certificate, Findings findings) {
        try {
            Optional<TpmIdentity> identity = TpmIdentity.of(certificate);
            if (identity.isEmpty()) {
                findings.fail(EkCheck.SUBJECT_ALT_NAME, "the certificate has no subjectAltName naming the TPM"
                        + " (manufacturer, model, version)");
            } else {
                findings.pass(EkCheck.SUBJECT_ALT_NAME);
            }
            return identity;
        } catch (EkCertificateException e) {
            findings.fail(EkCheck.SUBJECT_ALT_NAME, e.getMessage());
            return Optional.empty();
        }
    }
}
