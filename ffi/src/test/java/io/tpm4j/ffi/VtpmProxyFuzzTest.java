package io.tpm4j.ffi;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.TpmTransportException;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded mutation fuzz of the vTPM proxy's backend side: real swtpm responses to a mix of commands, recorded
 * once, come back truncated, extended, bit-flipped, with lying sizes and tags, oversized, or as exceptions.
 * The serving thread must answer every command with a well-formed response (the backend's own when it was
 * well-formed, TPM_RC_FAILURE otherwise), keep serving, and leave no descriptor behind.
 * {@code -Dtpm4j.fuzz.iterations=N} (default 100,000) and {@code -Dtpm4j.fuzz.seed=S} (default: random, printed
 * on failure) replay or shorten a run.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class VtpmProxyFuzzTest {

    private static final byte[] FAILURE = TpmHeader.headerOnlyResponse(TpmRc.FAILURE.value());

    private record Exchange(byte[] command, byte[] response) {
    }

    /** One mutation: the backend's answer (null when it throws instead) and what the kernel must be told. */
    private record Outcome(byte[] answer, RuntimeException thrown, byte[] expected) {
    }

    @Test
    void everyMutatedBackendResponseIsAnsweredWellFormedAndTheProxyKeepsServing() throws Exception {
        long seed = Long.getLong("tpm4j.fuzz.seed", System.nanoTime());
        int iterations = Integer.getInteger("tpm4j.fuzz.iterations", 100_000);
        List<Exchange> recorded = recordSwtpmExchanges();
        long descriptorsBefore = openDescriptors();
        SplittableRandom random = new SplittableRandom(seed);
        Outcome[] next = new Outcome[1];
        int[] backendCalls = new int[1];
        TpmTransport backend = command -> {
            backendCalls[0]++;
            if (next[0].thrown() != null) {
                throw next[0].thrown();
            }
            return next[0].answer();
        };
        int iteration = 0;
        try (VtpmProxyFaultTest.Served served = VtpmProxyFaultTest.Served.over(backend)) {
            for (; iteration < iterations; iteration++) {
                Exchange exchange = recorded.get(random.nextInt(recorded.size()));
                next[0] = mutate(exchange.response(), random);
                byte[] answer = served.kernel().transmit(exchange.command());
                assertTrue(wellFormed(answer), () -> "not a well-formed response: " + hex(answer));
                assertArrayEquals(next[0].expected(), answer, "the kernel's answer");
                assertEquals(iteration + 1, backendCalls[0], "every command reaches the backend once");
            }
            assertTrue(served.proxy().serving(), "the serving thread stopped");
        } catch (Throwable e) {
            throw new AssertionError("vTPM proxy fuzz failed at iteration " + iteration + " of seed " + seed
                    + " (replay with -Dtpm4j.fuzz.seed=" + seed + "): " + e.getMessage(), e);
        }
        assertEquals(descriptorsBefore, openDescriptors(), "descriptors left open, seed " + seed);
    }

    /** Real responses from swtpm to a mix of commands, with the commands that asked for them. */
    private static List<Exchange> recordSwtpmExchanges() {
        List<Exchange> exchanges = new ArrayList<>();
        try (Swtpm swtpm = Swtpm.startChardev()) {
            TpmTransport device = swtpm.transport();
            Tpm tpm = Tpm.on(command -> {
                byte[] response = device.transmit(command);
                exchanges.add(new Exchange(command, response));
                return response;
            });
            tpm.startupIfNeeded();
            tpm.getRandom(48);
            tpm.allProperties();
            tpm.pcrValues(TpmAlg.SHA256, 0, 1, 2, 3, 7);
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
                 TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()));
                 AuthSession session = tpm.startSession(Session.hmac(TpmAlg.SHA256))) {
                tpm.sign(key, new byte[32]);
                assertTrue(session.handle() != 0);
            }
            // A second Startup: its TPM_RC_INITIALIZE is recorded too, an error response to mutate.
            assertFalse(tpm.startupIfNeeded());
        }
        assertTrue(exchanges.size() > 10 && exchanges.stream().anyMatch(x -> x.response().length > 200),
                exchanges.size() + " exchanges recorded");
        return List.copyOf(exchanges);
    }

    private static Outcome mutate(byte[] response, SplittableRandom random) {
        byte[] r = response.clone();
        return switch (random.nextInt(12)) {
            case 0 -> pass(r);                                                            // untouched
            case 1 -> judge(Arrays.copyOf(r, random.nextInt(r.length)));                  // truncated
            case 2 -> judge(Arrays.copyOf(r, r.length + 1 + random.nextInt(64)));         // extended, size unchanged
            case 3 -> {                                                                   // bits flipped
                for (int i = 1 + random.nextInt(8); i > 0; i--) {
                    int bit = random.nextInt(r.length * 8);
                    r[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                yield judge(r);
            }
            case 4 -> judge(withSize(r, random.nextInt()));                              // size field lies
            case 5 -> judge(withSize(r, r.length + random.nextInt(-3, 4)));              // size off by a little
            case 6 -> {                                                                   // oversized, framed right
                byte[] big = Arrays.copyOf(r, LinuxTpmDevice.MAX_MESSAGE + 1 + random.nextInt(70_000));
                yield judge(withSize(big, big.length));
            }
            case 7 -> {                                                                   // longer, framed right
                byte[] longer = Arrays.copyOf(r, r.length + random.nextInt(1, 256));
                yield judge(withSize(longer, longer.length));
            }
            case 8 -> {                                                                   // random tag
                r[0] = (byte) random.nextInt(256);
                r[1] = (byte) random.nextInt(256);
                yield judge(r);
            }
            case 9 -> {                                                                   // random response code
                int rc = random.nextBoolean() ? random.nextInt() : random.nextInt(0x1000);
                r[6] = (byte) (rc >>> 24);
                r[7] = (byte) (rc >>> 16);
                r[8] = (byte) (rc >>> 8);
                r[9] = (byte) rc;
                yield judge(r);
            }
            case 10 -> random.nextBoolean() ? judge(null) : judge(randomBytes(random));  // nothing, or noise
            default -> new Outcome(null, switch (random.nextInt(4)) {                    // the backend throws
                case 0 -> new TpmTransportException("fuzzed backend", "gone");
                case 1 -> new NullPointerException("fuzzed");
                case 2 -> new ArrayIndexOutOfBoundsException(random.nextInt());
                default -> new IllegalStateException("fuzzed");
            }, FAILURE);
        };
    }

    private static Outcome pass(byte[] response) {
        return new Outcome(response, null, response);
    }

    /** The oracle, written apart from the proxy's check: what the kernel's tpm_transmit and a TSS accept. */
    private static Outcome judge(byte[] response) {
        return new Outcome(response, null, wellFormed(response) ? response : FAILURE);
    }

    static boolean wellFormed(byte[] r) {
        if (r == null || r.length < 10 || r.length > 4096) {
            return false;
        }
        int tag = ((r[0] & 0xFF) << 8) | (r[1] & 0xFF);
        long size = ((r[2] & 0xFFL) << 24) | ((r[3] & 0xFF) << 16) | ((r[4] & 0xFF) << 8) | (r[5] & 0xFF);
        boolean error = (r[6] | r[7] | r[8] | r[9]) != 0;
        return (tag == 0x8001 || tag == 0x8002 || tag == 0x00C4) && size == r.length && (!error || r.length == 10);
    }

    private static byte[] withSize(byte[] r, int size) {
        if (r.length >= 6) {
            r[2] = (byte) (size >>> 24);
            r[3] = (byte) (size >>> 16);
            r[4] = (byte) (size >>> 8);
            r[5] = (byte) size;
        }
        return r;
    }

    private static byte[] randomBytes(SplittableRandom random) {
        byte[] noise = new byte[random.nextInt(64)];
        random.nextBytes(noise);
        return noise;
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64)) + " (" + bytes.length + " bytes)";
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
