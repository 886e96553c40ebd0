package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TpmAlg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static io.tpm4j.attest.eventlog.LogBuilder.ascii;
import static io.tpm4j.attest.eventlog.LogBuilder.utf16;

/** A crypto-agile log with one event of each type a verifier reads, as a UEFI firmware with Secure Boot writes it. */
final class SyntheticLogs {

    static final List<TpmAlg> BANKS = List.of(TpmAlg.SHA1, TpmAlg.SHA256);
    static final UUID OWNER = UUID.fromString("77fa9abd-0359-4d32-bd60-28f4e78f784b");
    static final byte[] DEVICE_PATH = {2, 1, 12, 0, (byte) 0xd0, 0x41, 3, 10, 0, 0, 0, 0, 0x7f, (byte) 0xff, 4, 0};
    static final byte[] DBX_HASH = new byte[32];
    static final byte[] DB_HASH = LogBuilder.sha(TpmAlg.SHA256, ascii("an allowed image"));

    private SyntheticLogs() {
    }

    /** A DER certificate to enrol in PK: the first one of this JDK's cacerts. */
    static byte[] certificate() {
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        try (InputStream in = Files.newInputStream(cacerts)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(in, null);
            Certificate first = store.getCertificate(Collections.min(Collections.list(store.aliases())));
            return first.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] uefiLog() {
        byte[] locality = new LogBuilder().bytes(ascii("StartupLocality\0")).u8(3).build();
        byte[] image = new LogBuilder().u64(0x7e000000L).u64(0x2000).u64(0).u64(DEVICE_PATH.length)
                .bytes(DEVICE_PATH).build();
        byte[] db = LogBuilder.signatureList(EfiGuids.CERT_SHA256, OWNER, DB_HASH, new byte[32]);
        byte[] blob = new LogBuilder().u64(0xffc00000L).u64(0x400000).build();
        LogBuilder log = new LogBuilder().specId(BANKS)
                .u32(0).u32(EventTypes.EV_NO_ACTION).u32(2).u16(TpmAlg.SHA1.value()).bytes(new byte[20])
                .u16(TpmAlg.SHA256.value()).bytes(new byte[32]).u32(locality.length).bytes(locality);
        return log
                .agileEvent(0, EventTypes.EV_S_CRTM_VERSION, BANKS, utf16("1.00\0"))
                .agileEvent(0, EventTypes.EV_EFI_PLATFORM_FIRMWARE_BLOB, BANKS, blob)
                .agileEvent(7, EventTypes.EV_EFI_VARIABLE_DRIVER_CONFIG, BANKS,
                        LogBuilder.variable(EfiGuids.GLOBAL_VARIABLE, "SecureBoot", new byte[] {1}))
                .agileEvent(7, EventTypes.EV_EFI_VARIABLE_DRIVER_CONFIG, BANKS, LogBuilder.variable(
                        EfiGuids.GLOBAL_VARIABLE, "PK", LogBuilder.signatureList(EfiGuids.CERT_X509, OWNER,
                                certificate())))
                .agileEvent(7, EventTypes.EV_EFI_VARIABLE_DRIVER_CONFIG, BANKS,
                        LogBuilder.variable(EfiGuids.GLOBAL_VARIABLE, "KEK", new byte[0]))
                .agileEvent(7, EventTypes.EV_EFI_VARIABLE_DRIVER_CONFIG, BANKS,
                        LogBuilder.variable(EfiGuids.IMAGE_SECURITY_DATABASE, "db", db))
                .agileEvent(7, EventTypes.EV_EFI_VARIABLE_DRIVER_CONFIG, BANKS, LogBuilder.variable(
                        EfiGuids.IMAGE_SECURITY_DATABASE, "dbx", LogBuilder.signatureList(EfiGuids.CERT_SHA256,
                                OWNER, DBX_HASH)))
                .agileEvent(7, EventTypes.EV_SEPARATOR, BANKS, new byte[4])
                .agileEvent(1, EventTypes.EV_EFI_VARIABLE_BOOT, BANKS,
                        LogBuilder.variable(EfiGuids.GLOBAL_VARIABLE, "BootOrder", new byte[] {1, 0}))
                .agileEvent(4, EventTypes.EV_EFI_ACTION, BANKS, ascii("Calling EFI Application from Boot Option"))
                .agileEvent(4, EventTypes.EV_EFI_BOOT_SERVICES_APPLICATION, BANKS, image)
                .agileEvent(8, EventTypes.EV_IPL, BANKS, ascii("grub_cmd: linux /vmlinuz root=/dev/sda1\0"))
                .agileEvent(5, EventTypes.EV_SEPARATOR, BANKS, new byte[] {1, 0, 0, 0})
                .agileEvent(1, EventTypes.EV_EVENT_TAG, BANKS, new byte[] {9, 9, 9})
                .agileEvent(1, EventTypes.EV_EFI_VARIABLE_BOOT, BANKS,
                        LogBuilder.variable(EfiGuids.GLOBAL_VARIABLE, "Boot0000", new byte[] {1}))
                .build();
    }
}
