package io.tpm4j.rm;

import io.tpm4j.api.TpmTransport;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Commands from many threads reach the TPM one at a time, and each thread's commands in the order it sent them. */
class OrderingTest {

    @Test
    void oneCommandAtATimeAndEachThreadInItsOwnOrder() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        try (Swtpm swtpm = Swtpm.startChardev()) {
            TpmTransport device = swtpm.transport();
            TpmTransport watching = command -> {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    if ((command[9] & 0xFF) == 0x7B) {   // TPM2_GetRandom: its count says which send it is
                        int count = ((command[10] & 0xFF) << 8) | (command[11] & 0xFF);
                        seen.computeIfAbsent(Thread.currentThread().getName(), k -> new CopyOnWriteArrayList<>())
                                .add(count);
                    }
                    return device.transmit(command);
                } finally {
                    inFlight.decrementAndGet();
                }
            };
            TpmChip chip = TpmChip.over(watching, "watched");
            ResourceManager rm = ResourceManager.over(chip);
            List<Space> spaces = List.of(rm.openSpace("one"), rm.openSpace("two"), rm.openSpace("three"));
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 9; t++) {
                // Three threads share each space.
                Space space = spaces.get(t % spaces.size());
                threads.add(Thread.ofPlatform().name("sender-" + t).start(() -> {
                    for (int count = 1; count <= 48; count++) {
                        byte[] response = space.transmit(RmTesting.getRandom(count));
                        assertEquals(0, RmTesting.responseCode(response).raw());
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join(60_000);
            }
            spaces.forEach(Space::close);
            chip.close();
        }
        assertEquals(1, maxInFlight.get(), "commands overlapped at the TPM");
        assertEquals(9, seen.size());
        for (Map.Entry<String, List<Integer>> thread : seen.entrySet()) {
            List<Integer> counts = thread.getValue();
            assertEquals(48, counts.size());
            for (int i = 0; i < counts.size(); i++) {
                assertTrue(counts.get(i) == i + 1, thread.getKey() + " out of order: " + counts);
            }
        }
    }
}
