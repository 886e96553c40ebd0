package io.tpm4j.rm;

import io.tpm4j.api.RetryPolicy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TPM_RC_RETRY, YIELDED, TESTING and NV_RATE are answered inside the RM with bounded back-off, so clients (also
 * those of the server) see the result. swtpm gives these codes only by chance, so a backend in front of it
 * answers the first sends of TPM2_GetRandom with the warning.
 */
class RetryTest {

    private static final int GET_RANDOM = 0x17B;

    private record Faulty(TpmTransport device, TpmRc warning, int times, AtomicInteger given) implements TpmTransport {
        @Override
        public byte[] transmit(byte[] command) {
            int code = ((command[6] & 0xFF) << 24) | ((command[7] & 0xFF) << 16) | ((command[8] & 0xFF) << 8)
                    | (command[9] & 0xFF);
            if (code == GET_RANDOM && given.getAndIncrement() < times) {
                return io.tpm4j.api.wire.TpmHeader.headerOnlyResponse(warning.value());
            }
            return device.transmit(command);
        }

        @Override
        public void close() {
            device.close();
        }
    }

    @Test
    void theRmSendsAgainOnEachRetryableWarning() {
        for (TpmRc warning : EnumSet.of(TpmRc.RETRY, TpmRc.YIELDED, TpmRc.TESTING, TpmRc.NV_RATE)) {
            try (Swtpm swtpm = Swtpm.startChardev()) {
                AtomicInteger given = new AtomicInteger();
                TpmChip chip = TpmChip.over(new Faulty(swtpm.transport(), warning, 3, given), "faulty");
                ResourceManager rm = ResourceManager.over(chip, ResourceManager.Options.defaults()
                        .withRetries(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(4),
                                EnumSet.of(TpmRc.RETRY, TpmRc.YIELDED, TpmRc.TESTING, TpmRc.NV_RATE))));
                try (Space space = rm.openSpace("patient")) {
                    // The client itself does not retry: what it gets is what the RM made of it.
                    Tpm tpm = Tpm.on(space).withRetries(RetryPolicy.none());
                    assertEquals(16, tpm.getRandom(16).length, warning.toString());
                    RmCounters spent = space.counters();
                    assertEquals(1, spent.clientCommands());
                    assertEquals(4, spent.tpmCommands(), warning + ": three warnings, then the answer");
                }
                chip.close();
            }
        }
    }

    @Test
    void retriesAreBounded() {
        try (Swtpm swtpm = Swtpm.startChardev()) {
            TpmChip chip = TpmChip.over(new Faulty(swtpm.transport(), TpmRc.RETRY, Integer.MAX_VALUE,
                    new AtomicInteger()), "always-busy");
            ResourceManager rm = ResourceManager.over(chip, ResourceManager.Options.defaults().withRetries(
                    new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1), EnumSet.of(TpmRc.RETRY))));
            try (Space space = rm.openSpace("busy")) {
                TpmResponseException e = assertThrows(TpmResponseException.class,
                        () -> Tpm.on(space).withRetries(RetryPolicy.none()).getRandom(8));
                assertTrue(e.is(TpmRc.RETRY));
                assertEquals(3, space.counters().tpmCommands(), "three sends, then the warning goes to the client");
            }
            chip.close();
        }
    }
}
