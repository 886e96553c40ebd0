package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TpmAlg;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutated real and synthetic logs (bit flips, truncations, length fields rewritten, splices, insertions) through
 * every parser and replay: each input parses or ends in {@link EventLogException}, never in anything else. Seeded,
 * so a failure repeats; 20,000 inputs by default, {@code -Dtpm4j.fuzz.inputs=N} for more.
 */
class EventLogFuzzTest {

    private static final long SEED = 0x7470_6d34_6a18L;
    private static final int DEFAULT_INPUTS = 20_000;
    /** Values a length or count field is rewritten to: the edges parsers get wrong. */
    private static final long[] EDGES = {0, 1, 2, 3, 4, 15, 16, 20, 32, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000,
            0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL, 0xFFFFFFFEL};

    @Test
    void mutatedLogsParseOrFailWithAnEventLogException() {
        int inputs = Integer.getInteger("tpm4j.fuzz.inputs", DEFAULT_INPUTS);
        List<byte[]> seeds = List.of(
                TestLogs.resource(TestLogs.FIRMWARE_LOG),
                SyntheticLogs.uefiLog(),
                sha1Log(),
                TestLogs.resource(TestLogs.KVM + TestLogs.IMA_BINARY),
                TestLogs.resource(TestLogs.KVM + TestLogs.IMA_ASCII),
                TestLogs.resource(TestLogs.KVM_IMA_TEMPLATE + TestLogs.IMA_BINARY),
                TestLogs.resource(TestLogs.KVM_IMA_TEMPLATE + TestLogs.IMA_ASCII),
                new ImaList().ng("ima-ng", "sha256", new byte[32], "/a b").violation("/w").buf("k", new byte[3])
                        .sig("/s", new byte[] {3, 2}).other().binary());
        SplittableRandom random = new SplittableRandom(SEED);
        int parsed = 0;
        int refused = 0;
        long start = System.nanoTime();
        for (int i = 0; i < inputs; i++) {
            byte[] seed = seeds.get(random.nextInt(seeds.size()));
            byte[] input = mutate(seed, seeds, random);
            try {
                if (feed(input)) {
                    parsed++;
                } else {
                    refused++;
                }
            } catch (RuntimeException | Error e) {
                fail("input " + i + " (seed " + Long.toHexString(SEED) + ", " + input.length + " bytes) threw "
                        + e + "; first bytes " + HexFormat.of().formatHex(input, 0, Math.min(input.length, 96)), e);
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("fuzz: %d inputs in %d ms: %d accepted by a parser, %d refused by all with"
                + " EventLogException, no other exception%n", inputs, millis, parsed, refused);
        assertTrue(parsed > inputs / 20 && refused > inputs / 20,
                "the mutations should both keep and break logs: " + parsed + " accepted, " + refused + " refused");
    }

    /**
     * Every parser, and the replays and decoders after them; true when at least one parser accepted the input.
     * An input accepted here must then replay and summarise without an exception either.
     */
    private static boolean feed(byte[] input) {
        boolean any = false;
        try {
            FirmwareEventLog log = FirmwareEventLog.parse(input);
            log.replay().compare(log.replay().values());
            SecureBootState.of(log);
            any = true;
        } catch (EventLogException expected) {
            // the only failure allowed
        }
        for (boolean ascii : new boolean[] {false, true}) {
            try {
                ImaLog log = ascii ? ImaLog.parseAscii(input) : ImaLog.parseBinary(input);
                log.replay(TpmAlg.SHA1);
                log.replayPaddedSha1(TpmAlg.SHA256);
                log.entries().forEach(ImaEntry::digestMatchesData);
                log.replay(TpmAlg.SHA256, TpmAlg.SHA384);
                any = true;
            } catch (EventLogException expected) {
                // the only failure allowed
            }
        }
        return any;
    }

    private static byte[] mutate(byte[] seed, List<byte[]> seeds, SplittableRandom random) {
        byte[] out = seed.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds && out.length > 0; r++) {
            out = switch (random.nextInt(7)) {
                case 0 -> flipBits(out, random);
                case 1 -> Arrays.copyOf(out, random.nextInt(out.length));
                case 2 -> rewriteLength(out, random);
                case 3 -> splice(out, seeds.get(random.nextInt(seeds.size())), random);
                case 4 -> insert(out, random);
                case 5 -> delete(out, random);
                default -> rewriteLength(flipBits(out, random), random);
            };
        }
        return out;
    }

    private static byte[] flipBits(byte[] in, SplittableRandom random) {
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips; i++) {
            in[random.nextInt(in.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return in;
    }

    /** A 32-bit (or, in the ASCII list, decimal) field somewhere set to an edge value. */
    private static byte[] rewriteLength(byte[] in, SplittableRandom random) {
        if (in.length < 4) {
            return in;
        }
        int at = random.nextInt(in.length - 3);
        if (random.nextInt(4) == 0) {
            at &= ~3;
        }
        long value = random.nextInt(3) == 0 ? random.nextLong(1L << 32) : EDGES[random.nextInt(EDGES.length)];
        for (int i = 0; i < 4; i++) {
            in[at + i] = (byte) (value >>> (8 * i));
        }
        return in;
    }

    /** The start of one log joined to a piece of another (or the same): events and entries out of place. */
    private static byte[] splice(byte[] in, byte[] other, SplittableRandom random) {
        int cut = random.nextInt(in.length + 1);
        int from = random.nextInt(other.length);
        int length = random.nextInt(other.length - from + 1);
        byte[] out = Arrays.copyOf(in, cut + length);
        System.arraycopy(other, from, out, cut, length);
        return out;
    }

    private static byte[] insert(byte[] in, SplittableRandom random) {
        int at = random.nextInt(in.length + 1);
        byte[] extra = new byte[1 + random.nextInt(16)];
        random.nextBytes(extra);
        byte[] out = new byte[in.length + extra.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(in, at, out, at + extra.length, in.length - at);
        return out;
    }

    private static byte[] delete(byte[] in, SplittableRandom random) {
        int at = random.nextInt(in.length);
        int count = Math.min(in.length - at, 1 + random.nextInt(16));
        byte[] out = new byte[in.length - count];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(in, at + count, out, at, in.length - at - count);
        return out;
    }

    private static byte[] sha1Log() {
        return new LogBuilder().sha1Event(0, EventTypes.EV_S_CRTM_VERSION, LogBuilder.utf16("1\0"))
                .sha1Event(7, EventTypes.EV_EFI_VARIABLE_DRIVER_CONFIG,
                        LogBuilder.variable(EfiGuids.GLOBAL_VARIABLE, "SecureBoot", new byte[] {0}))
                .sha1Event(4, EventTypes.EV_SEPARATOR, new byte[4]).build();
    }
}
