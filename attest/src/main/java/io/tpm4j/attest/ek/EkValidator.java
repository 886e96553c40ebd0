package io.tpm4j.attest.ek;

import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The verifier's check of an EK certificate, without a TPM: that it certifies the EK the attester showed (its public
 * area), that it chains to a root the caller trusts, and that it is an EK certificate by the TCG EK Credential
 * Profile. Every check runs, so a rejection lists every reason. Certificates given as bytes are hostile input:
 * bounded, and a parse failure is a reason, not an exception.
 *
 * <pre>{@code
 * EkVerdict verdict = EkValidator.trusting(EkTrust.roots(manufacturerRoot))
 *         .validate(certificateDer, ekPublicArea, nvChainDer);
 * }</pre>
 */
public final class EkValidator {

    /** The most chain certificates taken from the attester: more than any real EK hierarchy needs. */
    public static final int MAX_CHAIN_CERTIFICATES = 16;

    /** What an EK must be for credential activation: a restricted decryption key that never leaves its TPM. */
    private static final int EK_ATTRIBUTES = ObjectAttributes.FIXED_TPM | ObjectAttributes.FIXED_PARENT
            | ObjectAttributes.SENSITIVE_DATA_ORIGIN | ObjectAttributes.RESTRICTED | ObjectAttributes.DECRYPT;

    private final EkTrust trust;

    private EkValidator(EkTrust trust) {
        this.trust = trust;
    }

    public static EkValidator trusting(EkTrust trust) {
        return new EkValidator(Objects.requireNonNull(trust, "trust"));
    }

    /**
     * Validates an EK certificate in DER (as read from NV: padding after it is allowed) for the EK {@code ekPublic},
     * with {@code chain} the contents of the NV chain indices (each one or more DER certificates).
     */
    public EkVerdict validate(byte[] certificate, PublicArea ekPublic, List<byte[]> chain) {
        Findings findings = new Findings();
        X509Certificate parsed;
        try {
            parsed = EkCertificates.parseOne(certificate);
        } catch (EkCertificateException e) {
            findings.fail(EkCheck.CERTIFICATE, "the EK certificate: " + e.getMessage());
            return new EkVerdict.Rejected(findings.problems(), findings.passed(), Optional.empty());
        }
        List<X509Certificate> intermediates = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            try {
                intermediates.addAll(EkCertificates.parseAll(chain.get(i)));
            } catch (EkCertificateException e) {
                findings.fail(EkCheck.CERTIFICATE, "chain index " + i + ": " + e.getMessage());
            }
        }
        return validate(parsed, ekPublic, intermediates, findings);
    }

    /** Validates a parsed EK certificate for the EK {@code ekPublic}, with {@code chain} as further intermediates. */
    public EkVerdict validate(X509Certificate certificate, PublicArea ekPublic, List<X509Certificate> chain) {
        return validate(certificate, ekPublic, chain, new Findings());
    }

    private EkVerdict validate(X509Certificate certificate, PublicArea ekPublic, List<X509Certificate> chain,
                               Findings findings) {
        if (chain.size() > MAX_CHAIN_CERTIFICATES) {
            findings.fail(EkCheck.CERTIFICATE, chain.size() + " chain certificates is more than the "
                    + MAX_CHAIN_CERTIFICATES + " accepted");
            chain = chain.subList(0, MAX_CHAIN_CERTIFICATES);
        }
        findings.passUnlessFailed(EkCheck.CERTIFICATE);
        publicKey(certificate, ekPublic, findings);
        ekAttributes(ekPublic, findings);
        List<X509Certificate> candidates = new ArrayList<>(chain);
        candidates.addAll(trust.intermediates());
        Optional<ChainCheck.Path> path = ChainCheck.check(certificate, candidates, trust, findings);
        Optional<TpmIdentity> identity = ProfileChecks.check(certificate, findings);
        if (findings.ok() && path.isPresent() && identity.isPresent()) {
            return new EkVerdict.Trusted(certificate, identity.get(), path.get().certificates(), path.get().anchor(),
                    findings.passed());
        }
        return new EkVerdict.Rejected(findings.problems(), findings.passed(), identity);
    }

    /** The certificate's key must be the EK's: the same RSA modulus and exponent, or the same curve and point. */
    private static void publicKey(X509Certificate certificate, PublicArea ekPublic, Findings findings) {
        PublicKey ek;
        try {
            ek = PublicKeys.toPublicKey(ekPublic);
        } catch (IllegalArgumentException e) {
            findings.fail(EkCheck.PUBLIC_KEY, "the EK public area is not a usable key: " + e.getMessage());
            return;
        }
        PublicKey certified = certificate.getPublicKey();
        boolean same = switch (certified) {
            case RSAPublicKey c when ek instanceof RSAPublicKey k ->
                    c.getModulus().equals(k.getModulus()) && c.getPublicExponent().equals(k.getPublicExponent());
            case ECPublicKey c when ek instanceof ECPublicKey k -> c.getW().equals(k.getW())
                    && c.getParams().getCurve().equals(k.getParams().getCurve())
                    && c.getParams().getGenerator().equals(k.getParams().getGenerator());
            default -> false;
        };
        if (same) {
            findings.pass(EkCheck.PUBLIC_KEY);
        } else {
            findings.fail(EkCheck.PUBLIC_KEY, "the certificate certifies another key than the EK: "
                    + describe(certified) + " in the certificate, " + describe(ek) + " from the TPM");
        }
    }

    private static void ekAttributes(PublicArea ekPublic, Findings findings) {
        if (ekPublic.attributes().has(EK_ATTRIBUTES) && !ekPublic.attributes().has(ObjectAttributes.SIGN_ENCRYPT)) {
            findings.pass(EkCheck.EK_ATTRIBUTES);
        } else {
            findings.fail(EkCheck.EK_ATTRIBUTES, "the EK public area's attributes " + ekPublic.attributes()
                    + " are not those of an endorsement key (fixedTPM, fixedParent, sensitiveDataOrigin, restricted,"
                    + " decrypt, not sign)");
        }
    }

    private static String describe(PublicKey key) {
        return switch (key) {
            case RSAPublicKey rsa -> "RSA-" + rsa.getModulus().bitLength() + " modulus " + start(rsa.getModulus());
            case ECPublicKey ec -> "EC-" + ec.getParams().getCurve().getField().getFieldSize() + " point x "
                    + start(ec.getW().getAffineX());
            default -> key.getAlgorithm() + " key";
        };
    }

    private static String start(BigInteger value) {
        String hex = value.toString(16);
        return hex.length() <= 16 ? hex : hex.substring(0, 16) + "...";
    }
}
