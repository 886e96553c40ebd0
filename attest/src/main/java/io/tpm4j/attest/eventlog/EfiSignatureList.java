package io.tpm4j.attest.eventlog;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * EFI_SIGNATURE_LIST (UEFI specification, "Signature Database"): signatures of one type, such as the X.509
 * certificates in db or the SHA-256 image digests in dbx.
 */
public record EfiSignatureList(UUID type, byte[] header, List<Signature> signatures) {

    /** EFI_SIGNATURE_LIST's fixed part: SignatureType, SignatureListSize, SignatureHeaderSize, SignatureSize. */
    private static final int FIXED_SIZE = 16 + 4 + 4 + 4;
    /** EFI_SIGNATURE_DATA starts with its owner's GUID. */
    private static final int OWNER_SIZE = 16;

    public EfiSignatureList {
        header = header.clone();
        signatures = List.copyOf(signatures);
    }

    @Override
    public byte[] header() {
        return header.clone();
    }

    /** EFI_SIGNATURE_DATA: who enrolled it, and the certificate or digest. */
    public record Signature(UUID owner, byte[] data) {
        public Signature {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** The data as an X.509 certificate (for lists of type {@link EfiGuids#CERT_X509}). */
        public X509Certificate certificate() throws CertificateException {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(data));
        }
    }

    /** Every signature list in a variable's value (a signature database is a run of them). */
    static List<EfiSignatureList> readAll(LogReader in) throws EventLogException {
        List<EfiSignatureList> lists = new ArrayList<>();
        while (!in.atEnd()) {
            lists.add(read(in));
        }
        return lists;
    }

    private static EfiSignatureList read(LogReader in) throws EventLogException {
        int start = in.position();
        UUID type = EfiGuids.read(in, "EFI_SIGNATURE_LIST.SignatureType");
        long listSize = in.u32("EFI_SIGNATURE_LIST.SignatureListSize");
        long headerSize = in.u32("EFI_SIGNATURE_LIST.SignatureHeaderSize");
        long signatureSize = in.u32("EFI_SIGNATURE_LIST.SignatureSize");
        if (listSize < FIXED_SIZE || listSize - FIXED_SIZE > in.remaining()) {
            throw new EventLogException("EFI_SIGNATURE_LIST.SignatureListSize is " + listSize + ", not between "
                    + FIXED_SIZE + " and the " + (FIXED_SIZE + in.remaining()) + " bytes left", start);
        }
        LogReader body = in.slice(listSize - FIXED_SIZE, "EFI_SIGNATURE_LIST");
        byte[] header = body.bytes(headerSize, "EFI_SIGNATURE_LIST.SignatureHeader");
        if (signatureSize < OWNER_SIZE || body.remaining() % signatureSize != 0) {
            throw new EventLogException("EFI_SIGNATURE_LIST.SignatureSize is " + signatureSize + ": the "
                    + body.remaining() + " bytes of signatures are not a whole number of signatures of at least "
                    + OWNER_SIZE + " bytes", start);
        }
        List<Signature> signatures = new ArrayList<>();
        while (!body.atEnd()) {
            UUID owner = EfiGuids.read(body, "EFI_SIGNATURE_DATA.SignatureOwner");
            signatures.add(new Signature(owner, body.bytes(signatureSize - OWNER_SIZE,
                    "EFI_SIGNATURE_DATA.SignatureData")));
        }
        return new EfiSignatureList(type, header, signatures);
    }
}
