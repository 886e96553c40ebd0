package io.tpm4j.jca.csr;

import io.tpm4j.jca.der.DerWriter;
import io.tpm4j.jca.der.Pem;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * A PKCS#10 certificate request (RFC 2986): a subject, its public key and requested extensions (subjectAltName,
 * keyUsage, extendedKeyUsage, as one extensionRequest attribute), signed with the private half. The signature is
 * made by whatever {@link Signature} and {@link PrivateKey} the caller gives, so a key that never leaves the TPM
 * (through the tpm4j provider) signs its own request:
 *
 * <pre>{@code
 * CertificationRequest csr = CertificationRequest.builder(new X500Principal("CN=device-17"), publicKey)
 *         .dnsName("device-17.example").keyUsage(KeyUsage.DIGITAL_SIGNATURE)
 *         .extendedKeyUsage(CertificationRequest.CLIENT_AUTH)
 *         .sign(Signature.getInstance("SHA256withECDSA"), privateKey);
 * Files.writeString(path, csr.toPem());
 * }</pre>
 */
public final class CertificationRequest {

    /** The PEM label. */
    public static final String PEM_LABEL = "CERTIFICATE REQUEST";
    /** id-kp-serverAuth, for extendedKeyUsage. */
    public static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    /** id-kp-clientAuth, for extendedKeyUsage. */
    public static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private static final String EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    /** GeneralName choices: dNSName [2] and iPAddress [7], both IMPLICIT. */
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    /** The KeyUsage bits of RFC 5280, section 4.2.1.3, numbered as there. */
    public enum KeyUsage {
        DIGITAL_SIGNATURE, NON_REPUDIATION, KEY_ENCIPHERMENT, DATA_ENCIPHERMENT, KEY_AGREEMENT, KEY_CERT_SIGN,
        CRL_SIGN, ENCIPHER_ONLY, DECIPHER_ONLY
    }

    private final byte[] encoded;

    private CertificationRequest(byte[] encoded) {
        this.encoded = encoded;
    }

    /** A request for {@code subject} with {@code publicKey} (its X.509 SubjectPublicKeyInfo encoding is used as is). */
    public static Builder builder(X500Principal subject, PublicKey publicKey) {
        return new Builder(subject, publicKey);
    }

    /** The DER encoding. */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** The PEM encoding, {@code -----BEGIN CERTIFICATE REQUEST-----}, as {@code openssl req} reads it. */
    public String toPem() {
        return Pem.encode(PEM_LABEL, encoded);
    }

    /** What goes into a request; {@link #sign} makes it. Not thread-safe. */
    public static final class Builder {

        private final X500Principal subject;
        private final PublicKey publicKey;
        private final List<byte[]> alternativeNames = new ArrayList<>();
        private final Set<KeyUsage> keyUsage = EnumSet.noneOf(KeyUsage.class);
        private final Set<String> extendedKeyUsage = new LinkedHashSet<>();

        private Builder(X500Principal subject, PublicKey publicKey) {
            this.subject = Objects.requireNonNull(subject, "subject");
            this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
            if (!"X.509".equals(publicKey.getFormat()) || publicKey.getEncoded() == null) {
                throw new IllegalArgumentException("the public key has no X.509 encoding: " + publicKey.getFormat());
            }
        }

        /** A subjectAltName dNSName (ASCII; an internationalised name in its A-label form). */
        public Builder dnsName(String name) {
            alternativeNames.add(DerWriter.implicitPrimitive(DNS_NAME, ascii(name)));
            return this;
        }

        /** A subjectAltName iPAddress, IPv4 or IPv6. */
        public Builder ipAddress(InetAddress address) {
            alternativeNames.add(DerWriter.implicitPrimitive(IP_ADDRESS, address.getAddress()));
            return this;
        }

        /** The keyUsage extension (marked critical, as RFC 5280 asks of CAs) with these bits. */
        public Builder keyUsage(KeyUsage... usages) {
            keyUsage.addAll(List.of(usages));
            return this;
        }

        /** The extendedKeyUsage extension with these purposes (e.g. {@link #SERVER_AUTH}, {@link #CLIENT_AUTH}). */
        public Builder extendedKeyUsage(String... purposeOids) {
            for (String oid : purposeOids) {
                DerWriter.oid(oid);
                extendedKeyUsage.add(oid);
            }
            return this;
        }

        /**
         * Signs the request with {@code signature} (not yet initialised; for RSASSA-PSS with its parameters set) and
         * {@code privateKey}, then checks the signature with the request's public key, so that a private key which
         * is not the public key's other half is found here rather than by the CA.
         *
         * @throws SignatureException when the signature does not verify with the request's public key
         */
        public CertificationRequest sign(Signature signature, PrivateKey privateKey) throws GeneralSecurityException {
            signature.initSign(privateKey);
            byte[] algorithm = SignatureAlgorithms.identifier(signature);
            byte[] info = requestInfo();
            signature.update(info);
            byte[] value = signature.sign();
            Signature check = Signature.getInstance(signature.getAlgorithm());
            if (signature.getAlgorithm().equalsIgnoreCase("RSASSA-PSS")) {
                check.setParameter(signature.getParameters().getParameterSpec(java.security.spec.PSSParameterSpec.class));
            }
            check.initVerify(publicKey);
            check.update(info);
            if (!check.verify(value)) {
                throw new SignatureException("the request's signature does not verify with its public key: the "
                        + "private key is not the other half of " + publicKey.getAlgorithm() + " key given");
            }
            return new CertificationRequest(DerWriter.sequence(info, algorithm, DerWriter.bitString(value)));
        }

        /** CertificationRequestInfo: version 0, subject, subjectPKInfo, attributes [0] IMPLICIT SET OF Attribute. */
        private byte[] requestInfo() {
            List<byte[]> extensions = new ArrayList<>();
            if (!alternativeNames.isEmpty()) {
                extensions.add(extension(SUBJECT_ALT_NAME, false,
                        DerWriter.sequence(alternativeNames.toArray(byte[][]::new))));
            }
            if (!keyUsage.isEmpty()) {
                extensions.add(extension(KEY_USAGE, true,
                        DerWriter.namedBits(keyUsage.stream().mapToInt(Enum::ordinal).toArray())));
            }
            if (!extendedKeyUsage.isEmpty()) {
                extensions.add(extension(EXTENDED_KEY_USAGE, false,
                        DerWriter.sequence(extendedKeyUsage.stream().map(DerWriter::oid).toArray(byte[][]::new))));
            }
            byte[] attributes = extensions.isEmpty() ? DerWriter.implicitConstructed(0)
                    : DerWriter.implicitConstructed(0, DerWriter.sequence(DerWriter.oid(EXTENSION_REQUEST),
                    DerWriter.setOf(DerWriter.sequence(extensions.toArray(byte[][]::new)))));
            return DerWriter.sequence(DerWriter.integer(0), subject.getEncoded(), publicKey.getEncoded(), attributes);
        }

        private static byte[] extension(String oid, boolean critical, byte[] value) {
            return critical ? DerWriter.sequence(DerWriter.oid(oid), DerWriter.bool(true), DerWriter.octetString(value))
                    : DerWriter.sequence(DerWriter.oid(oid), DerWriter.octetString(value));
        }

        private static byte[] ascii(String name) {
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c <= ' ' || c > '~') {
                    throw new IllegalArgumentException("a dNSName is printable ASCII: " + name);
                }
            }
            return name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }
}
