package io.tpm4j.rm;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmHeader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A fake TPM for fuzzing: it answers each command with one of the responses a real TPM gave to the same command
 * bytes, or else to that command code (recorded once, taken in turn), and mutates a share of them with a seeded
 * random source: cut short, lengthened, bits flipped, the size field lying, the response code or the returned
 * handle changed. It keeps no TPM state; it records which handles it was asked to flush.
 */
final class MutatedResponses implements TpmTransport {

    /** Response codes worth trying: success, the memory warnings the RM acts on, the context gap, errors. */
    private static final int[] CODES = {0, 0x902, 0x903, 0x905, 0x901, 0x1CB, 0x18B, 0x984, 0x101, 0x0B0143};
    private static final int FLUSH_CONTEXT = 0x165;

    private final Map<Integer, List<byte[]>> recorded;
    private final Map<String, List<byte[]>> exact;
    private final Map<Integer, Integer> turn = new HashMap<>();
    private final SplittableRandom random;
    private double share;
    private final Set<Integer> flushed = new HashSet<>();
    private String lastMutation = "none";

    MutatedResponses(Map<Integer, List<byte[]>> recorded, Map<String, List<byte[]>> exact, long seed,
                     double share) {
        this.recorded = recorded;
        this.exact = exact;
        this.random = new SplittableRandom(seed);
        this.share = share;
    }

    /** From now on, this share of the responses is mutated. */
    void mutateShare(double value) {
        share = value;
    }

    /** The handles FlushContext named since the set was last cleared (it may be cleared). */
    Set<Integer> flushed() {
        return flushed;
    }

    /** What the last response's mutation was, for a failure's message. */
    String lastMutation() {
        return lastMutation;
    }

    /** Records the responses {@code device} gives, by command code and by the command's exact bytes. */
    static TpmTransport recording(TpmTransport device, Map<Integer, List<byte[]>> into,
                                  Map<String, List<byte[]>> exact) {
        return new TpmTransport() {
            @Override
            public byte[] transmit(byte[] command) {
                byte[] response = device.transmit(command);
                into.computeIfAbsent(TpmHeader.commandCode(command), c -> new ArrayList<>()).add(response.clone());
                exact.computeIfAbsent(HexFormat.of().formatHex(command), c -> new ArrayList<>()).add(response.clone());
                return response;
            }

            @Override
            public void close() {
                device.close();
            }
        };
    }

    @Override
    public byte[] transmit(byte[] command) {
        int code = TpmHeader.commandCode(command);
        if (code == FLUSH_CONTEXT && command.length >= TpmHeader.SIZE + 4) {
            flushed.add(BigEndian.u32(command, TpmHeader.SIZE));
        }
        String bytes = HexFormat.of().formatHex(command);
        List<byte[]> answers = exact.containsKey(bytes) ? exact.get(bytes) : recorded.get(code);
        if (answers == null) {
            return TpmHeader.headerOnlyResponse(0x143);
        }
        int n = turn.merge(exact.containsKey(bytes) ? bytes.hashCode() : code, 1, Integer::sum);
        byte[] response = answers.get(n % answers.size()).clone();
        if (random.nextDouble() >= share) {
            lastMutation = "none";
            return response;
        }
        return mutate(response);
    }

    private byte[] mutate(byte[] r) {
        switch (random.nextInt(6)) {
            case 0 -> {
                int length = random.nextInt(r.length);
                lastMutation = "truncated to " + length;
                return Arrays.copyOf(r, length);
            }
            case 1 -> {
                int extra = 1 + random.nextInt(16);
                byte[] longer = Arrays.copyOf(r, r.length + extra);
                for (int i = r.length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt(256);
                }
                if (random.nextBoolean()) {
                    BigEndian.putU32(longer, 2, longer.length);
                }
                lastMutation = "extended by " + extra;
                return longer;
            }
            case 2 -> {
                int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int bit = random.nextInt(r.length * 8);
                    r[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                lastMutation = flips + " bits flipped";
                return r;
            }
            case 3 -> {
                if (r.length >= 6) {
                    int size = random.nextBoolean() ? r.length + random.nextInt(-4, 5) : random.nextInt();
                    BigEndian.putU32(r, 2, size);
                    lastMutation = "size field " + size;
                }
                return r;
            }
            case 4 -> {
                int rc = random.nextInt(4) == 0 ? random.nextInt() : CODES[random.nextInt(CODES.length)];
                if (r.length >= TpmHeader.SIZE) {
                    BigEndian.putU32(r, 6, rc);
                    lastMutation = String.format("rc 0x%x", rc);
                }
                return r;
            }
            default -> {
                if (r.length >= TpmHeader.SIZE + 4) {
                    int[] kinds = {0x8000_0000, 0x0200_0000, 0x0300_0000, 0x4000_0000, 0x8080_0000};
                    int handle = kinds[random.nextInt(kinds.length)] + random.nextInt(4);
                    BigEndian.putU32(r, TpmHeader.SIZE, handle);
                    lastMutation = String.format("handle 0x%08x", handle);
                }
                return r;
            }
        }
    }
}
