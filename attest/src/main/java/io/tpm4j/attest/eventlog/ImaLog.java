package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TpmAlg;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The Linux IMA measurement list, from /sys/kernel/security/ima/binary_runtime_measurements or
 * ascii_runtime_measurements, and its replay into PCR 10 (or whichever PCRs the policy named).
 *
 * @param format  which of the two lists it was read from
 * @param entries every measurement, in order
 */
public record ImaLog(Format format, List<ImaEntry> entries) {

    /** The kernel's two renderings of the same list. */
    public enum Format {
        BINARY, ASCII
    }

    public ImaLog {
        entries = List.copyOf(entries);
    }

    /** Parses binary_runtime_measurements. */
    public static ImaLog parseBinary(byte[] list) throws EventLogException {
        return new ImaLog(Format.BINARY, ImaBinaryParser.parse(list));
    }

    /** Parses ascii_runtime_measurements. */
    public static ImaLog parseAscii(byte[] list) throws EventLogException {
        return new ImaLog(Format.ASCII, ImaAsciiParser.parse(list));
    }

    /**
     * Parses either list: the ASCII list starts with a PCR number in decimal, the binary list with a 32-bit PCR
     * index whose first byte is a small number, never an ASCII digit or space.
     */
    public static ImaLog parse(byte[] list) throws EventLogException {
        boolean ascii = list.length > 0 && (list[0] == ' ' || list[0] >= '0' && list[0] <= '9');
        return ascii ? parseAscii(list) : parseBinary(list);
    }

    /**
     * Replays the list into the given banks (SHA-1 and SHA-256 when none are given): each entry extends the
     * bank's hash of the bytes its template digest covers, so an entry whose data was changed after the kernel
     * hashed it replays to another value in every bank. A violation extends all ones.
     *
     * @throws EventLogException when an entry of a template unknown here, read from the ASCII list, would have
     *                           to replay into a bank other than SHA-1
     */
    public PcrReplay<ImaEntry> replay(TpmAlg... banks) throws EventLogException {
        Set<TpmAlg> wanted = banks.length == 0 ? Set.of(TpmAlg.SHA1, TpmAlg.SHA256) : Set.of(banks);
        Replayer<ImaEntry> replayer = new Replayer<>(wanted);
        for (ImaEntry entry : entries) {
            replayer.record(entry, entry.pcrIndex());
            for (TpmAlg bank : replayer.banks()) {
                replayer.extend(entry.pcrIndex(), bank, extended(entry, bank, replayer));
            }
        }
        return replayer.result();
    }

    private static byte[] extended(ImaEntry entry, TpmAlg bank, Replayer<ImaEntry> replayer)
            throws EventLogException {
        if (entry.isViolation()) {
            byte[] ones = new byte[replayer.digestSize(bank)];
            Arrays.fill(ones, (byte) 0xFF);
            return ones;
        }
        if (entry.template() instanceof ImaTemplate.AsciiOnly) {
            if (bank != TpmAlg.SHA1) {
                throw new EventLogException("IMA entry " + entry.number() + " (template " + entry.templateName()
                        + ", from the ASCII list) cannot be rebuilt to hash into the "
                        + TpmAlg.describe(bank.value()) + " bank; only SHA-1 replays", entry.offset());
            }
            return entry.templateDigest();
        }
        return replayer.hash(bank).digest(entry.hashedData());
    }
}
