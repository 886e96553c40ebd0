package io.tpm4j.attest.eventlog;

import java.util.List;
import java.util.Optional;

/**
 * The UEFI Secure Boot configuration a firmware log records in PCR 7 (PC Client Platform Firmware Profile,
 * "PCR[7] - Secure Boot Policy Measurements"): the SecureBoot variable and the PK, KEK, db and dbx signature
 * databases, each as its last EV_EFI_VARIABLE_DRIVER_CONFIG event measured it. Empty when not measured: a log
 * without them comes from a firmware without Secure Boot (or one that does not say).
 */
public record SecureBootState(Optional<Boolean> enabled, Optional<List<EfiSignatureList>> pk,
                              Optional<List<EfiSignatureList>> kek, Optional<List<EfiSignatureList>> db,
                              Optional<List<EfiSignatureList>> dbx) {

    private static final int SECURE_BOOT_PCR = 7;

    /** The state as the log's PCR 7 events measured it. */
    public static SecureBootState of(FirmwareEventLog log) {
        Optional<Boolean> enabled = Optional.empty();
        Optional<List<EfiSignatureList>> pk = Optional.empty();
        Optional<List<EfiSignatureList>> kek = Optional.empty();
        Optional<List<EfiSignatureList>> db = Optional.empty();
        Optional<List<EfiSignatureList>> dbx = Optional.empty();
        for (FirmwareEvent event : log.events()) {
            if (event.pcrIndex() != SECURE_BOOT_PCR || event.type() != EventTypes.EV_EFI_VARIABLE_DRIVER_CONFIG
                    || !(event.decoded() instanceof EventData.EfiVariable variable)) {
                continue;
            }
            Optional<List<EfiSignatureList>> lists = Optional.of(variable.signatureLists());
            boolean global = EfiGuids.GLOBAL_VARIABLE.equals(variable.vendor());
            boolean database = EfiGuids.IMAGE_SECURITY_DATABASE.equals(variable.vendor());
            switch (variable.name()) {
                case "SecureBoot" -> enabled = global ? variable.secureBootEnabled() : enabled;
                case "PK" -> pk = global ? lists : pk;
                case "KEK" -> kek = global ? lists : kek;
                case "db" -> db = database ? lists : db;
                case "dbx" -> dbx = database ? lists : dbx;
                default -> { }
            }
        }
        return new SecureBootState(enabled, pk, kek, db, dbx);
    }
}
