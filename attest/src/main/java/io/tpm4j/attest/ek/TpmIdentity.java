package io.tpm4j.attest.ek;

import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * The TPM an EK certificate names, from the directoryName of its subjectAltName (TCG EK Credential Profile): the
 * attributes tcg-at-tpmManufacturer (2.23.133.2.1, e.g. "id:49465800"), tcg-at-tpmModel (2.23.133.2.2) and
 * tcg-at-tpmVersion (2.23.133.2.3, e.g. "id:00070002"), as the certificate spells them.
 */
public record TpmIdentity(String manufacturer, String model, String version) {

    static final String SUBJECT_ALT_NAME = "2.5.29.17";
    static final String TPM_MANUFACTURER = "2.23.133.2.1";
    static final String TPM_MODEL = "2.23.133.2.2";
    static final String TPM_VERSION = "2.23.133.2.3";

    public TpmIdentity {
        Objects.requireNonNull(manufacturer, "manufacturer");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
    }

    /**
     * The identity in {@code certificate}'s subjectAltName; empty when it has no subjectAltName. A subjectAltName
     * that does not parse, or whose directoryName lacks one of the three attributes, is an exception saying which.
     */
    public static Optional<TpmIdentity> of(X509Certificate certificate) throws EkCertificateException {
        byte[] extension = certificate.getExtensionValue(SUBJECT_ALT_NAME);
        if (extension == null) {
            return Optional.empty();
        }
        Der.Element wrapper = Der.read(extension, 0, extension.length);
        if (wrapper.tag() != Der.OCTET_STRING || wrapper.end() != extension.length) {
            throw new EkCertificateException("subjectAltName: the extension value is not one OCTET STRING");
        }
        Der.Element names = Der.read(extension, wrapper.valueStart(), wrapper.end());
        if (names.tag() != Der.SEQUENCE) {
            throw new EkCertificateException("subjectAltName: GeneralNames is not a SEQUENCE");
        }
        String manufacturer = null;
        String model = null;
        String version = null;
        for (Der.Element name : names.children()) {
            if (name.tag() != Der.DIRECTORY_NAME) {
                continue;
            }
            Der.Element rdns = Der.read(extension, name.valueStart(), name.end());
            for (Der.Element rdn : sequence(rdns, "the directoryName").children()) {
                if (rdn.tag() != Der.SET) {
                    throw new EkCertificateException("subjectAltName: a relative distinguished name is not a SET");
                }
                for (Der.Element attribute : rdn.children()) {
                    var parts = sequence(attribute, "an attribute").children();
                    if (parts.size() != 2) {
                        throw new EkCertificateException("subjectAltName: an attribute has " + parts.size()
                                + " parts instead of type and value");
                    }
                    String type = Der.oid(parts.get(0));
                    switch (type) {
                        case TPM_MANUFACTURER -> manufacturer = Der.text(parts.get(1));
                        case TPM_MODEL -> model = Der.text(parts.get(1));
                        case TPM_VERSION -> version = Der.text(parts.get(1));
                        default -> {
                            // Other attributes are allowed beside the three the profile requires.
                        }
                    }
                }
            }
        }
        if (manufacturer == null || model == null || version == null) {
            throw new EkCertificateException("subjectAltName has no directoryName with all of tcg-at-tpmManufacturer"
                    + " (2.23.133.2.1), tcg-at-tpmModel (2.23.133.2.2) and tcg-at-tpmVersion (2.23.133.2.3); missing:"
                    + (manufacturer == null ? " manufacturer" : "") + (model == null ? " model" : "")
                    + (version == null ? " version" : ""));
        }
        return Optional.of(new TpmIdentity(manufacturer, model, version));
    }

    private static Der.Element sequence(Der.Element element, String what) throws EkCertificateException {
        if (element.tag() != Der.SEQUENCE) {
            throw new EkCertificateException("subjectAltName: " + what + " is not a SEQUENCE (offset "
                    + element.start() + ")");
        }
        return element;
    }
}
