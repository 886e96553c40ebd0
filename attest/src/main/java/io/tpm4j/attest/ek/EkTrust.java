package io.tpm4j.attest.ek;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an EK certificate is validated against: the roots the caller trusts (a TPM manufacturer's CA certificates),
 * intermediate certificates the caller has besides those stored in the TPM's NV, whether to check revocation, and
 * the time to validate at.
 *
 * @param roots           trust anchors; a path must end at one of them
 * @param intermediates   untrusted certificates that may complete a path (the NV chain is added to them)
 * @param checkRevocation PKIX revocation checking (CRL / OCSP as the JDK is configured to fetch them); off by
 *                        default, as manufacturers' EK CAs often publish no reachable revocation data
 * @param at              the validation time; empty for now
 */
public record EkTrust(List<X509Certificate> roots, List<X509Certificate> intermediates, boolean checkRevocation,
                      Optional<Instant> at) {

    public EkTrust {
        roots = List.copyOf(roots);
        intermediates = List.copyOf(intermediates);
        Objects.requireNonNull(at, "at");
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no trust anchors: give at least one root certificate");
        }
    }

    /** Trusting {@code roots}, no further intermediates, no revocation checking, validated now. */
    public static EkTrust roots(X509Certificate... roots) {
        return new EkTrust(List.of(roots), List.of(), false, Optional.empty());
    }

    /** With {@code certificates} as further untrusted intermediates. */
    public EkTrust withIntermediates(X509Certificate... certificates) {
        return new EkTrust(roots, java.util.stream.Stream.concat(intermediates.stream(),
                java.util.stream.Stream.of(certificates)).toList(), checkRevocation, at);
    }

    /** With PKIX revocation checking on. */
    public EkTrust withRevocationChecking() {
        return new EkTrust(roots, intermediates, true, at);
    }

    /** Validated at {@code time} instead of now. */
    public EkTrust at(Instant time) {
        return new EkTrust(roots, intermediates, checkRevocation, Optional.of(time));
    }
}
