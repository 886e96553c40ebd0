package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.TpmAlg;

import java.security.MessageDigest;
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
     * Replays the list into the given banks (SHA-1 and SHA-256 when none are given) as Linux 5.11 and later do:
     * each entry extends the bank's own hash of the bytes its template digest covers, so an entry whose data was
     * changed after the kernel hashed it replays to another value in every bank. A violation extends all ones.
     *
     * @throws EventLogException when an entry of a template unknown here, read from the ASCII list, would have
     *                           to replay into a bank other than SHA-1
     */
    public PcrReplay<ImaEntry> replay(TpmAlg... banks) throws EventLogException {
        return replay(false, banks);
    }

    /**
     * Replays the list into the given banks with each entry's SHA-1 template digest, zero-padded to the bank's
     * size: what the kernel extends into a bank whose hash it has no implementation for (sha384 and sha512 when
     * their modules are not loaded at boot), and what kernels before 5.11 extend into every bank.
     */
    public PcrReplay<ImaEntry> replayPaddedSha1(TpmAlg... banks) throws EventLogException {
        return replay(true, banks);
    }

    private PcrReplay<ImaEntry> replay(boolean paddedSha1, TpmAlg... banks) throws EventLogException {
        Set<TpmAlg> wanted = banks.length == 0 ? Set.of(TpmAlg.SHA1, TpmAlg.SHA256) : Set.of(banks);
        Replayer<ImaEntry> replayer = new Replayer<>(wanted);
        MessageDigest sha1 = Names.digest(TpmAlg.SHA1);
        for (ImaEntry entry : entries) {
            replayer.record(entry, entry.pcrIndex());
            for (TpmAlg bank : replayer.banks()) {
                byte[] digest = entry.isViolation() ? violation(replayer.digestSize(bank))
                        : paddedSha1 || bank == TpmAlg.SHA1
                        ? Arrays.copyOf(sha1(entry, sha1), replayer.digestSize(bank))
                        : hashed(entry, bank, replayer);
                replayer.extend(entry.pcrIndex(), bank, digest);
            }
        }
        return replayer.result();
    }

    private static byte[] violation(int size) {
        byte[] ones = new byte[size];
        Arrays.fill(ones, (byte) 0xFF);
        return ones;
    }

    /** The SHA-1 of the entry's data; for a template from the ASCII list that cannot be rebuilt, the one listed. */
    private static byte[] sha1(ImaEntry entry, MessageDigest sha1) {
        return entry.template() instanceof ImaTemplate.AsciiOnly ? entry.templateDigest()
                : sha1.digest(entry.hashedData());
    }

    private static byte[] hashed(ImaEntry entry, TpmAlg bank, Replayer<ImaEntry> replayer) throws EventLogException {
        if (entry.template() instanceof ImaTemplate.AsciiOnly) {
            throw new EventLogException("IMA entry " + entry.number() + " (template " + entry.templateName()
                    + ", from the ASCII list) cannot be rebuilt to hash into the " + TpmAlg.describe(bank.value())
                    + " bank; only SHA-1 replays", entry.offset());
        }
        return replayer.hash(bank).digest(entry.hashedData());
    }
}
