package io.tpm4j.api;

import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.TpmRc;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which TPM warnings a {@link Tpm} answers by sending the command again, how often, and how long it waits
 * in between: the delay starts at {@code initialDelay} and doubles up to {@code maxDelay}, for at most
 * {@code maxAttempts} sends in all. Never unbounded.
 *
 * <p>The defaults follow the Linux kernel (20 ms doubling up to 2 s) for TPM_RC_RETRY, TPM_RC_YIELDED,
 * TPM_RC_TESTING and TPM_RC_NV_RATE, the warnings that mean "the same command will work later".
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, Set<TpmRc> retryable) {

    public RetryPolicy {
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException("maxAttempts must be 1..100, not " + maxAttempts);
        }
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0 || maxDelay.toSeconds() > 60) {
            throw new IllegalArgumentException("delays must satisfy 0 <= initialDelay <= maxDelay <= 60 s: "
                    + initialDelay + ", " + maxDelay);
        }
        retryable = retryable.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(retryable));
    }

    /** Up to 8 sends, 20 ms doubling to 2 s, for RETRY, YIELDED, TESTING and NV_RATE. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofMillis(20), Duration.ofSeconds(2),
                EnumSet.of(TpmRc.RETRY, TpmRc.YIELDED, TpmRc.TESTING, TpmRc.NV_RATE));
    }

    /** Every response goes to the caller as it is. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Set.of());
    }

    /** Whether a response with this code should be retried after {@code attempt} sends (1-based). */
    public boolean shouldRetry(int responseCode, int attempt) {
        if (attempt >= maxAttempts) {
            return false;
        }
        ResponseCode rc = new ResponseCode(responseCode);
        return rc.layer() == ResponseCode.TPM_LAYER
                && rc.rc().filter(retryable::contains).isPresent();
    }

    /** The wait before send number {@code attempt + 1}. */
    public Duration delayAfter(int attempt) {
        Duration delay = initialDelay;
        for (int i = 1; i < attempt && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
