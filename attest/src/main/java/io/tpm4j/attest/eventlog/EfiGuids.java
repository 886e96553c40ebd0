package io.tpm4j.attest.eventlog;

import java.util.UUID;

/** The UEFI GUIDs the Secure Boot state is named by (UEFI specification, "Variables" and "Image Execution"). */
public final class EfiGuids {

    /** EFI_GLOBAL_VARIABLE: SecureBoot, PK, KEK, Boot####. */
    public static final UUID GLOBAL_VARIABLE = UUID.fromString("8be4df61-93ca-11d2-aa0d-00e098032b8c");
    /** EFI_IMAGE_SECURITY_DATABASE_GUID: db, dbx. */
    public static final UUID IMAGE_SECURITY_DATABASE = UUID.fromString("d719b2cb-3d3a-4596-a3bc-dad00e67656f");
    /** EFI_CERT_X509_GUID: a signature list of DER X.509 certificates. */
    public static final UUID CERT_X509 = UUID.fromString("a5c059a1-94e4-4aa7-87b5-ab155c2bf072");
    /** EFI_CERT_SHA256_GUID: a signature list of SHA-256 image digests. */
    public static final UUID CERT_SHA256 = UUID.fromString("c1c41626-504c-4092-aca9-41f936934328");

    private EfiGuids() {
    }

    /** An EFI_GUID as it is stored: the first three fields little-endian, the last eight bytes in order. */
    static UUID read(LogReader in, String field) throws EventLogException {
        long data1 = in.u32(field);
        long data2 = in.u16(field);
        long data3 = in.u16(field);
        long data4 = 0;
        for (int i = 0; i < 8; i++) {
            data4 = data4 << 8 | in.u8(field);
        }
        return new UUID(data1 << 32 | data2 << 16 | data3, data4);
    }
}
