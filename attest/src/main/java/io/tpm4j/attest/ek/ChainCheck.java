package io.tpm4j.attest.ek;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * PKIX validation of an EK certificate's path to the caller's roots. The path is put in order here (issuer by
 * issuer, each signature checked) from the NV chain and the caller's intermediates, then the JDK's
 * {@link CertPathValidator} decides, so its reason is the one reported.
 */
final class ChainCheck {

    /** Longer paths than this are not searched: manufacturers' EK hierarchies are two or three deep. */
    static final int MAX_PATH = 8;

    /** The validated path (EK certificate first, anchor excluded) and the anchor it ended at. */
    record Path(List<X509Certificate> certificates, TrustAnchor anchor) {
    }

    private ChainCheck() {
    }

    static Optional<Path> check(X509Certificate ek, List<X509Certificate> candidates, EkTrust trust, Findings findings) {
        List<X509Certificate> path = order(ek, candidates, trust.roots());
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            CertPath certPath = factory.generateCertPath(path);
            Set<TrustAnchor> anchors = trust.roots().stream().map(r -> new TrustAnchor(r, null))
                    .collect(Collectors.toSet());
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(trust.checkRevocation());
            trust.at().ifPresent(time -> parameters.setDate(Date.from(time)));
            parameters.addCertPathChecker(new ProfileExtensions(ek));
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(certPath, parameters);
            findings.pass(EkCheck.CHAIN);
            return Optional.of(new Path(path, result.getTrustAnchor()));
        } catch (CertPathValidatorException e) {
            findings.fail(EkCheck.CHAIN, describe(e, path));
        } catch (GeneralSecurityException | RuntimeException e) {
            findings.fail(EkCheck.CHAIN, "the path could not be validated: " + e);
        }
        return Optional.empty();
    }

    /** From the EK certificate, each certificate's issuer among the candidates, until a root issued the last. */
    private static List<X509Certificate> order(X509Certificate ek, List<X509Certificate> candidates,
                                               List<X509Certificate> roots) {
        List<X509Certificate> path = new ArrayList<>(List.of(ek));
        X509Certificate current = ek;
        while (path.size() < MAX_PATH && issuerAmong(current, roots).isEmpty()) {
            List<X509Certificate> unused = candidates.stream()
                    .filter(c -> !path.contains(c) && !roots.contains(c)).toList();
            Optional<X509Certificate> issuer = issuerAmong(current, unused);
            if (issuer.isEmpty()) {
                break;
            }
            current = issuer.get();
            path.add(current);
        }
        return path;
    }

    private static Optional<X509Certificate> issuerAmong(X509Certificate certificate,
                                                         Collection<X509Certificate> candidates) {
        return candidates.stream().filter(c -> c.getSubjectX500Principal().equals(certificate.getIssuerX500Principal()))
                .filter(c -> signed(certificate, c)).findFirst();
    }

    private static boolean signed(X509Certificate certificate, X509Certificate issuer) {
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String describe(CertPathValidatorException e, List<X509Certificate> path) {
        int index = e.getIndex();
        String where = index >= 0 && index < path.size()
                ? "certificate " + index + " of the path (" + path.get(index).getSubjectX500Principal() + "): "
                : "";
        String names = path.stream().map(c -> "[" + c.getSubjectX500Principal() + "]").collect(Collectors.joining(" <- "));
        return where + e.getMessage() + " (" + e.getReason() + "; path " + names + ")";
    }

    /**
     * Claims, on the EK certificate only, the critical extensions the profile defines but the JDK's PKIX does not
     * process, which it would otherwise reject the certificate for. Subject Directory Attributes (2.5.29.9) carries
     * the TPM specification and security assertions the certificate describes: it constrains no path, so a
     * manufacturer marking it critical changes nothing PKIX decides. (An empty subject, which the profile allows
     * with a critical subjectAltName, needs no help: the JDK accepts it on the end entity.)
     */
    private static final class ProfileExtensions extends PKIXCertPathChecker {

        static final String SUBJECT_DIRECTORY_ATTRIBUTES = "2.5.29.9";

        private final X509Certificate ek;

        ProfileExtensions(X509Certificate ek) {
            this.ek = ek;
        }

        @Override
        public void init(boolean forward) {
        }

        @Override
        public boolean isForwardCheckingSupported() {
            return false;
        }

        @Override
        public Set<String> getSupportedExtensions() {
            return Set.of(SUBJECT_DIRECTORY_ATTRIBUTES);
        }

        @Override
        public void check(Certificate certificate, Collection<String> unresolvedCriticalExtensions) {
            if (certificate.equals(ek)) {
                unresolvedCriticalExtensions.remove(SUBJECT_DIRECTORY_ATTRIBUTES);
            }
        }
    }
}
