package io.tpm4j.attest.ek;

import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an EK certificate's validation concluded: {@link Trusted} when every check passed, {@link Rejected} with every
 * failed check's reason otherwise. Both say which checks passed and, where the certificate names it, which TPM.
 */
public sealed interface EkVerdict {

    /** The checks that passed. */
    Set<EkCheck> passed();

    /** The TPM the certificate names, when its subjectAltName could be read. */
    Optional<TpmIdentity> identity();

    /**
     * Every check passed.
     *
     * @param certificate the EK certificate
     * @param path        the validated path, from the EK certificate up to (not including) the trust anchor
     * @param anchor      the trust anchor that ended the path
     */
    record Trusted(X509Certificate certificate, TpmIdentity tpm, List<X509Certificate> path, TrustAnchor anchor,
                   Set<EkCheck> passed) implements EkVerdict {

        public Trusted {
            path = List.copyOf(path);
            passed = Set.copyOf(passed);
        }

        @Override
        public Optional<TpmIdentity> identity() {
            return Optional.of(tpm);
        }
    }

    /** At least one check failed; {@code problems} holds every failure, in the order checked. */
    record Rejected(List<EkProblem> problems, Set<EkCheck> passed, Optional<TpmIdentity> identity)
            implements EkVerdict {

        public Rejected {
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("a rejection needs a reason");
            }
            problems = List.copyOf(problems);
            passed = Set.copyOf(passed);
        }

        /** Whether {@code check} is among the failures. */
        public boolean failed(EkCheck check) {
            return problems.stream().anyMatch(p -> p.check() == check);
        }
    }
}
