package io.tpm4j.api;

import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retries through the facade; the TPM here is a transport that answers with warnings a set number of times. */
class RetryPolicyTest {

    private static byte[] answer(int rc) {
        return new TpmWriter().u16(0x8001).u32(10).u32(rc).toByteArray();
    }

    private static final byte[] RANDOM_4 = new TpmWriter().u16(0x8001).u32(16).u32(0).u16(4).u32(0x01020304).toByteArray();

    /** Answers {@code warning} for the first {@code times} commands, then 4 random bytes. */
    private static TpmTransport warnThenAnswer(int warning, int times, AtomicInteger sent) {
        return command -> sent.incrementAndGet() <= times ? answer(warning) : RANDOM_4;
    }

    private static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(4),
            EnumSet.of(TpmRc.RETRY, TpmRc.YIELDED, TpmRc.TESTING, TpmRc.NV_RATE));

    @Test
    void retriesUntilTheTpmAnswers() {
        for (TpmRc warning : FAST.retryable()) {
            AtomicInteger sent = new AtomicInteger();
            Tpm tpm = Tpm.on(warnThenAnswer(warning.value(), 3, sent)).withRetries(FAST);
            assertEquals(4, tpm.getRandom(4).length, warning.specName());
            assertEquals(4, sent.get());
        }
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheTpmsCode() {
        AtomicInteger sent = new AtomicInteger();
        Tpm tpm = Tpm.on(warnThenAnswer(TpmRc.RETRY.value(), 10, sent)).withRetries(FAST);
        TpmResponseException e = assertThrows(TpmResponseException.class, () -> tpm.getRandom(4));
        assertTrue(e.is(TpmRc.RETRY));
        assertEquals(4, sent.get());
    }

    @Test
    void otherCodesAndOtherLayersAreNotRetried() {
        AtomicInteger sent = new AtomicInteger();
        assertThrows(TpmResponseException.class,
                () -> Tpm.on(warnThenAnswer(TpmRc.CONTEXT_GAP.value(), 1, sent)).withRetries(FAST).getRandom(4));
        assertEquals(1, sent.get());
        AtomicInteger sentRm = new AtomicInteger();
        assertThrows(TpmResponseException.class,
                () -> Tpm.on(warnThenAnswer(0x000B0000 | TpmRc.RETRY.value(), 1, sentRm)).withRetries(FAST).getRandom(4));
        assertEquals(1, sentRm.get());
    }

    @Test
    void noneMeansOneSend() {
        AtomicInteger sent = new AtomicInteger();
        assertThrows(TpmResponseException.class,
                () -> Tpm.on(warnThenAnswer(TpmRc.RETRY.value(), 1, sent)).withRetries(RetryPolicy.none()).getRandom(4));
        assertEquals(1, sent.get());
    }

    @Test
    void delaysDoubleUpToTheMaximum() {
        RetryPolicy p = RetryPolicy.defaults();
        assertEquals(Duration.ofMillis(20), p.delayAfter(1));
        assertEquals(Duration.ofMillis(40), p.delayAfter(2));
        assertEquals(Duration.ofMillis(1280), p.delayAfter(7));
        assertEquals(Duration.ofSeconds(2), p.delayAfter(8));
        assertEquals(Duration.ofSeconds(2), p.delayAfter(50));
    }

    @Test
    void boundsAreEnforced() {
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, EnumSet.noneOf(TpmRc.class)));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(1000, Duration.ZERO, Duration.ZERO, EnumSet.noneOf(TpmRc.class)));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1), EnumSet.noneOf(TpmRc.class)));
    }
}
