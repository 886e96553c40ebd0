package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.CertifyX509;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TPM2_CertifyX509: the TPM completes and signs a certificate for one of its keys; the pieces it returns, put
 * together with the caller's partial certificate, make an X.509 certificate that JCA parses and verifies.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CertifyX509Test extends WithSrk {

    private static final Authorization EMPTY = Authorization.emptyPassword();

    @Test
    void certificateForATpmKeyVerifiesWithJca() throws Exception {
        byte[] issuer = name("tpm4j test CA");
        byte[] subject = name("tpm4j certified key");
        byte[] validity = der(0x30, der(0x17, ascii("261125000000Z")), der(0x17, ascii("361125000000Z")));
        // keyUsage (2.5.29.15), critical, digitalSignature: consistent with a signing key, as the TPM checks.
        byte[] keyUsage = der(0x30, der(0x06, new byte[] {0x55, 0x1d, 0x0f}), der(0x01, new byte[] {(byte) 0xff}),
                der(0x04, der(0x03, new byte[] {0x07, (byte) 0x80})));
        byte[] extensions = der(0xa3, der(0x30, keyUsage));
        byte[] partial = der(0x30, issuer, validity, subject, extensions);

        try (TpmObject ca = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()));
             TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()))) {
            CertifyX509.Response r = tpm.execute(new CertifyX509(key.handle(), EMPTY, ca.handle(), EMPTY, Scheme.NULL,
                    partial));
            // addedToCertificate: SEQUENCE { [0] version, serialNumber, signature algorithm, subjectPublicKeyInfo }
            List<byte[]> added = elements(r.addedToCertificate());
            assertEquals(4, added.size());
            byte[] tbs = der(0x30, added.get(0), added.get(1), added.get(2), issuer, validity, subject, added.get(3),
                    extensions);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(tbs), r.tbsDigest());
            byte[] signatureValue = concat(new byte[] {0}, Signatures.toJca(r.signature()));
            byte[] certificate = der(0x30, tbs, added.get(2), der(0x03, signatureValue));

            X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificate));
            parsed.verify(PublicKeys.toPublicKey(ca.publicArea()));
            assertEquals(PublicKeys.toPublicKey(key.publicArea()), parsed.getPublicKey());
            assertEquals("CN=tpm4j certified key", parsed.getSubjectX500Principal().getName());
            assertEquals("SHA256withECDSA", parsed.getSigAlgName());
            assertTrue(parsed.getKeyUsage()[0], "digitalSignature");
        }
    }

    /** Name: SEQUENCE { SET { SEQUENCE { commonName, UTF8String } } }. */
    private static byte[] name(String commonName) {
        return der(0x30, der(0x31, der(0x30, der(0x06, new byte[] {0x55, 0x04, 0x03}),
                der(0x0c, commonName.getBytes(StandardCharsets.UTF_8)))));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** One DER element: tag, definite length, the concatenated contents. */
    private static byte[] der(int tag, byte[]... contents) {
        byte[] body = concat(contents);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (body.length < 0x80) {
            out.write(body.length);
        } else if (body.length < 0x100) {
            out.write(0x81);
            out.write(body.length);
        } else {
            out.write(0x82);
            out.write(body.length >> 8);
            out.write(body.length);
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** The elements (whole, with tag and length) inside a DER SEQUENCE. */
    private static List<byte[]> elements(byte[] sequence) {
        assertEquals(0x30, sequence[0] & 0xff);
        int at = 1 + lengthOfLength(sequence, 1);
        List<byte[]> out = new ArrayList<>();
        while (at < sequence.length) {
            int headerLength = 1 + lengthOfLength(sequence, at + 1);
            int end = at + headerLength + length(sequence, at + 1);
            out.add(java.util.Arrays.copyOfRange(sequence, at, end));
            at = end;
        }
        return out;
    }

    private static int lengthOfLength(byte[] der, int at) {
        int first = der[at] & 0xff;
        return first < 0x80 ? 1 : 1 + (first & 0x7f);
    }

    private static int length(byte[] der, int at) {
        int first = der[at] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int value = 0;
        for (int i = 1; i <= (first & 0x7f); i++) {
            value = (value << 8) | (der[at + i] & 0xff);
        }
        return value;
    }
}
