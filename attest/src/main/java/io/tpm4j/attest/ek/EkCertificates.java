package io.tpm4j.attest.ek;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DER certificates as EK Credential Profile NV indices hold them: one EK certificate per certificate index, one or
 * more concatenated certificates per chain index. Indices are often larger than what they hold, so what follows the
 * last certificate must be padding (all 0x00, or all 0xFF as erased flash reads).
 */
public final class EkCertificates {

    /** The most bytes one NV index's worth of certificates may take: far above any real EK certificate or chain. */
    public static final int MAX_INDEX_BYTES = 16 * 1024;

    /** The most certificates one chain index may hold. */
    public static final int MAX_CERTIFICATES_PER_INDEX = 8;

    private EkCertificates() {
    }

    /** The one certificate of an EK certificate index (padding after it allowed). */
    public static X509Certificate parseOne(byte[] contents) throws EkCertificateException {
        List<X509Certificate> all = parse(contents, 1);
        if (all.isEmpty()) {
            throw new EkCertificateException("the index holds no certificate (" + contents.length + " bytes of padding)");
        }
        return all.getFirst();
    }

    /** Every certificate of a chain index, in the order stored (padding after the last allowed). */
    public static List<X509Certificate> parseAll(byte[] contents) throws EkCertificateException {
        return parse(contents, MAX_CERTIFICATES_PER_INDEX);
    }

    private static List<X509Certificate> parse(byte[] contents, int most) throws EkCertificateException {
        if (contents.length > MAX_INDEX_BYTES) {
            throw new EkCertificateException(contents.length + " bytes is more than the " + MAX_INDEX_BYTES
                    + " an index of EK certificates may hold");
        }
        List<X509Certificate> out = new ArrayList<>();
        int at = 0;
        while (at < contents.length && !isPadding(contents, at)) {
            if (out.size() == most) {
                throw new EkCertificateException("more than " + most + " certificate(s) in one index: bytes from offset "
                        + at + " are neither a further certificate allowed nor padding");
            }
            if ((contents[at] & 0xFF) != Der.SEQUENCE) {
                throw new EkCertificateException(String.format("expected a certificate (a DER SEQUENCE, 0x30) at offset"
                        + " %d, found 0x%02x", at, contents[at] & 0xFF));
            }
            Der.Element element = Der.read(contents, at, contents.length);
            out.add(certificate(Arrays.copyOfRange(contents, element.start(), element.end()), at));
            at = element.end();
        }
        return out;
    }

    /** One DER certificate through the JDK, its failure named with where it started. */
    static X509Certificate certificate(byte[] der, int offset) throws EkCertificateException {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new EkCertificateException("the certificate at offset " + offset + " (" + der.length
                    + " bytes) does not parse: " + e.getMessage(), e);
        }
    }

    private static boolean isPadding(byte[] contents, int from) {
        byte fill = contents[from];
        if (fill != 0 && fill != (byte) 0xFF) {
            return false;
        }
        for (int i = from; i < contents.length; i++) {
            if (contents[i] != fill) {
                return false;
            }
        }
        return true;
    }
}
