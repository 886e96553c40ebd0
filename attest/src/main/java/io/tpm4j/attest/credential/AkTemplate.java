package io.tpm4j.attest.credential;

import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Templates;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The attestation-key templates: restricted signing keys (fixedTPM, fixedParent, sensitiveDataOrigin, userWithAuth,
 * restricted, sign) with a SHA-256 Name, which sign only what the TPM itself produced (quotes, certifications), never an
 * outside digest made to look like one.
 */
public enum AkTemplate {

    /** RSA-2048, RSASSA-PKCS1-v1_5 with SHA-256. */
    RSA_2048(Templates::rsaAttestationKey),
    /** ECC NIST P-256, ECDSA with SHA-256. */
    ECC_P256(Templates::eccAttestationKey);

    private final Supplier<PublicArea> template;

    AkTemplate(Supplier<PublicArea> template) {
        this.template = template;
    }

    /** The template for TPM2_Create, with an empty unique field. */
    public PublicArea publicArea() {
        return template.get();
    }

    /**
     * Which template {@code key} was made from, judged by everything but its unique field (the public key): what a
     * verifier checks before it trusts a key as an AK; empty when the key is of neither kind.
     */
    public static Optional<AkTemplate> of(PublicArea key) {
        return Arrays.stream(values()).filter(t -> {
            PublicArea area = t.publicArea();
            return area.nameAlg() == key.nameAlg() && area.attributes().equals(key.attributes())
                    && Arrays.equals(area.authPolicy(), key.authPolicy()) && area.parameters().equals(key.parameters());
        }).findFirst();
    }
}
