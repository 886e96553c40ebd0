package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.TpmAlg;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** Writes synthetic firmware logs and event data, little-endian, field by field as the PFP lays them out. */
final class LogBuilder {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    LogBuilder u8(int v) {
        out.write(v);
        return this;
    }

    LogBuilder u16(int v) {
        return bytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array());
    }

    LogBuilder u32(long v) {
        return bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    }

    LogBuilder u64(long v) {
        return bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    LogBuilder bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    LogBuilder guid(UUID guid) {
        long msb = guid.getMostSignificantBits();
        u32(msb >>> 32).u16((int) (msb >>> 16)).u16((int) msb);
        return bytes(ByteBuffer.allocate(8).putLong(guid.getLeastSignificantBits()).array());
    }

    byte[] build() {
        return out.toByteArray();
    }

    /** A TCG_PCR_EVENT whose SHA-1 digest is that of its data. */
    LogBuilder sha1Event(int pcr, int type, byte[] data) {
        return sha1Event(pcr, type, sha(TpmAlg.SHA1, data), data);
    }

    LogBuilder sha1Event(int pcr, int type, byte[] digest, byte[] data) {
        return u32(pcr).u32(type).bytes(digest).u32(data.length).bytes(data);
    }

    /** The TCG_PCR_EVENT holding a Spec ID Event03 for these banks. */
    LogBuilder specId(List<TpmAlg> banks) {
        return sha1Event(0, EventTypes.EV_NO_ACTION, new byte[20], specIdData(banks));
    }

    static byte[] specIdData(List<TpmAlg> banks) {
        LogBuilder id = new LogBuilder().bytes("Spec ID Event03\0".getBytes(StandardCharsets.US_ASCII))
                .u32(0).u8(0).u8(2).u8(0).u8(2).u32(banks.size());
        banks.forEach(b -> id.u16(b.value()).u16(b.digestSize().getAsInt()));
        return id.u8(0).build();
    }

    /** A TCG_PCR_EVENT2 with, in each bank, the digest of its data. */
    LogBuilder agileEvent(int pcr, int type, List<TpmAlg> banks, byte[] data) {
        u32(pcr).u32(type).u32(banks.size());
        banks.forEach(b -> u16(b.value()).bytes(sha(b, data)));
        return u32(data.length).bytes(data);
    }

    static byte[] sha(TpmAlg alg, byte[] data) {
        return Names.digest(alg).digest(data);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] utf16(String text) {
        return text.getBytes(StandardCharsets.UTF_16LE);
    }

    /** UEFI_VARIABLE_DATA. */
    static byte[] variable(UUID vendor, String name, byte[] value) {
        return new LogBuilder().guid(vendor).u64(name.length()).u64(value.length).bytes(utf16(name)).bytes(value)
                .build();
    }

    /** One EFI_SIGNATURE_LIST with no header, its signatures all {@code data.length + 16} bytes. */
    static byte[] signatureList(UUID type, UUID owner, byte[]... data) {
        int size = data[0].length + 16;
        LogBuilder list = new LogBuilder().guid(type).u32(28 + (long) size * data.length).u32(0).u32(size);
        for (byte[] d : data) {
            list.guid(owner).bytes(d);
        }
        return list.build();
    }
}
