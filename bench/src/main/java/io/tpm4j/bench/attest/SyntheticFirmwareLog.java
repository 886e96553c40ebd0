package io.tpm4j.bench.attest;

import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.attest.eventlog.EventTypes;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A crypto-agile TCG PC Client firmware event log of a chosen length, with SHA-1 and SHA-256 digests: the Spec ID
 * event, then actions, boot-loader measurements (EV_IPL) and POST codes spread over PCRs 0-7, and each PCR's
 * separator last. Written field by field, little-endian, as the Platform Firmware Profile lays them out.
 */
final class SyntheticFirmwareLog {

    static final List<TpmAlg> BANKS = List.of(TpmAlg.SHA1, TpmAlg.SHA256);
    static final int PCRS = 8;
    private static final byte[] SPEC_ID_SIGNATURE = "Spec ID Event03\0".getBytes(StandardCharsets.US_ASCII);
    /** PFP: platform class 0, spec version 2.0 errata 0, UINTN of 8 bytes. */
    private static final byte[] SPEC_ID_VERSION = {0, 0, 0, 0, 0, 2, 0, 2};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private SyntheticFirmwareLog() {
    }

    /** A log of {@code events} measurement events after the Spec ID event (the last {@value #PCRS} separators). */
    static byte[] of(int events) {
        SyntheticFirmwareLog log = new SyntheticFirmwareLog();
        log.specId();
        int measurements = events - PCRS;
        for (int i = 0; i < measurements; i++) {
            int pcr = i % PCRS;
            byte[] text = ("measurement " + i + " into PCR " + pcr).getBytes(StandardCharsets.US_ASCII);
            int type = switch (i % 3) {
                case 0 -> EventTypes.EV_EFI_ACTION;
                case 1 -> EventTypes.EV_IPL;
                default -> EventTypes.EV_POST_CODE;
            };
            log.event(pcr, type, text);
        }
        for (int pcr = 0; pcr < PCRS; pcr++) {
            log.event(pcr, EventTypes.EV_SEPARATOR, new byte[4]);
        }
        return log.out.toByteArray();
    }

    /** The TCG_PCR_EVENT (SHA-1 form) holding the Spec ID Event03 for {@link #BANKS}. */
    private void specId() {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(SPEC_ID_SIGNATURE);
        data.writeBytes(SPEC_ID_VERSION);
        data.writeBytes(le(4, BANKS.size()));
        for (TpmAlg bank : BANKS) {
            data.writeBytes(le(2, bank.value()));
            data.writeBytes(le(2, bank.digestSize().getAsInt()));
        }
        data.write(0);
        out.writeBytes(le(4, 0));
        out.writeBytes(le(4, EventTypes.EV_NO_ACTION));
        out.writeBytes(new byte[20]);
        out.writeBytes(le(4, data.size()));
        out.writeBytes(data.toByteArray());
    }

    /** A TCG_PCR_EVENT2 with, in each bank, the digest of its data. */
    private void event(int pcr, int type, byte[] data) {
        out.writeBytes(le(4, pcr));
        out.writeBytes(le(4, type));
        out.writeBytes(le(4, BANKS.size()));
        for (TpmAlg bank : BANKS) {
            out.writeBytes(le(2, bank.value()));
            out.writeBytes(Names.digest(bank).digest(data));
        }
        out.writeBytes(le(4, data.length));
        out.writeBytes(data);
    }

    private static byte[] le(int bytes, int value) {
        return Arrays.copyOf(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array(), bytes);
    }
}
