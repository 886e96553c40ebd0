package io.tpm4j.attest;

import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.attest.quote.SignedAttestation;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The messages' wire format: each round-trips, and hostile bytes (truncated, trailing, another message or version,
 * lying lengths, seeded mutations) end in {@link MessageFormatException} naming the offset, or parse to a message,
 * never in another exception.
 */
class WireFormatTest {

    private interface Parser {
        Object parse(byte[] bytes) throws MessageFormatException;
    }

    static Enrollment enrollment() {
        return new Enrollment(Templates.ekRsa2048(), Templates.eccAttestationKey(), Optional.of(bytes(700, 1)),
                List.of(bytes(500, 2), bytes(300, 3)));
    }

    static Challenge challenge() {
        return new Challenge(bytes(32, 4), bytes(68, 5), bytes(256, 6));
    }

    static Evidence evidence() {
        SignedAttestation quote = new SignedAttestation(bytes(145, 7), new Signature.Ecc(TpmAlg.ECDSA.value(),
                TpmAlg.SHA256.value(), bytes(32, 8), bytes(32, 9)));
        PcrValues pcrs = PcrValues.of(Map.of(TpmAlg.SHA256, Map.of(0, bytes(32, 10), 7, bytes(32, 11)),
                TpmAlg.SHA1, Map.of(10, bytes(20, 12))));
        return new Evidence(bytes(32, 13), quote, pcrs, Optional.of(bytes(2000, 14)), Optional.empty());
    }

    private static byte[] bytes(int count, int seed) {
        byte[] out = new byte[count];
        new Random(seed).nextBytes(out);
        return out;
    }

    @Test
    void eachMessageRoundTrips() throws Exception {
        assertEquals(enrollment(), Enrollment.parse(enrollment().toBytes()));
        assertEquals(challenge(), Challenge.parse(challenge().toBytes()));
        Evidence parsed = Evidence.parse(evidence().toBytes());
        assertEquals(evidence(), parsed);
        assertEquals(evidence().pcrs(), parsed.pcrs());
        assertEquals(Optional.empty(), parsed.imaLog());
    }

    @Test
    void everyTruncationAndTrailingByteIsRefused() {
        check(enrollment().toBytes(), Enrollment::parse);
        check(challenge().toBytes(), Challenge::parse);
        check(evidence().toBytes(), Evidence::parse);
    }

    private static void check(byte[] message, Parser parser) {
        for (int length = 0; length < message.length; length++) {
            byte[] cut = Arrays.copyOf(message, length);
            MessageFormatException e = assertThrows(MessageFormatException.class, () -> parser.parse(cut),
                    "truncated to " + length);
            assertTrue(e.offset() >= 0 && e.offset() <= length, e.getMessage());
        }
        byte[] longer = Arrays.copyOf(message, message.length + 1);
        MessageFormatException trailing = assertThrows(MessageFormatException.class, () -> parser.parse(longer));
        assertEquals(message.length, trailing.offset());
        assertTrue(trailing.getMessage().contains("1 bytes after its last field"), trailing.getMessage());
    }

    @Test
    void anotherMessageOrVersionIsNamed() {
        MessageFormatException other = assertThrows(MessageFormatException.class,
                () -> Evidence.parse(challenge().toBytes()));
        assertEquals("not evidence: the magic is \"T4CH\", not \"T4EV\" (at byte offset 0)", other.getMessage());

        byte[] next = challenge().toBytes();
        next[4] = 2;
        MessageFormatException version = assertThrows(MessageFormatException.class, () -> Challenge.parse(next));
        assertEquals("a challenge of version 2; this is version 1 (at byte offset 4)", version.getMessage());
    }

    @Test
    void aLyingLengthIsRefusedBeforeAnythingIsAllocated() {
        byte[] message = challenge().toBytes();
        BigEndian.putU32(message, 5, Integer.MAX_VALUE);
        MessageFormatException tooLarge = assertThrows(MessageFormatException.class, () -> Challenge.parse(message));
        assertEquals("a challenge: the nonce has 2147483647 bytes, more than the 64 allowed (at byte offset 5)",
                tooLarge.getMessage());

        byte[] shortened = challenge().toBytes();
        BigEndian.putU32(shortened, 113, 1000); // the encrypted seed's length; 256 bytes follow
        MessageFormatException beyond = assertThrows(MessageFormatException.class, () -> Challenge.parse(shortened));
        assertEquals("a challenge: the encrypted seed needs 1000 bytes but only 256 are left (at byte offset 117)",
                beyond.getMessage());
    }

    @Test
    void aPublicAreaThatDoesNotParseIsNamedWithItsOffset() {
        byte[] message = enrollment().toBytes();
        message[9] = 0x7F; // the EK's TPMT_PUBLIC.type
        MessageFormatException e = assertThrows(MessageFormatException.class, () -> Enrollment.parse(message));
        assertTrue(e.getMessage().startsWith("an enrollment: TPMT_PUBLIC.type"), e.getMessage());
        assertEquals(9, e.offset());
    }

    @Test
    void seededMutationsEndInAMessageOrAFormatError() {
        Random random = new Random(18);
        List<byte[]> messages = List.of(enrollment().toBytes(), challenge().toBytes(), evidence().toBytes());
        List<Parser> parsers = List.of(Enrollment::parse, Challenge::parse, Evidence::parse);
        int parsed = 0;
        for (int round = 0; round < 6000; round++) {
            int which = round % 3;
            byte[] mutated = messages.get(which).clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                mutated[random.nextInt(Math.min(mutated.length, 600))] = (byte) random.nextInt(256);
            }
            try {
                Object message = parsers.get(which).parse(mutated);
                // What parses writes itself back the same way.
                byte[] again = ((Function<Object, byte[]>) WireFormatTest::toBytes).apply(message);
                assertTrue(Arrays.equals(mutated, again), "round " + round + " " + which + " at "
                        + Arrays.mismatch(mutated, again) + ": " + message);
                parsed++;
            } catch (MessageFormatException expected) {
                assertTrue(expected.offset() >= 0 && expected.offset() <= mutated.length, expected.getMessage());
            }
        }
        assertTrue(parsed > 100 && parsed < 6000, "mutations both parse and fail: " + parsed);
    }

    private static byte[] toBytes(Object message) {
        return switch (message) {
            case Enrollment e -> e.toBytes();
            case Challenge c -> c.toBytes();
            case Evidence e -> e.toBytes();
            default -> throw new AssertionError(message);
        };
    }
}
