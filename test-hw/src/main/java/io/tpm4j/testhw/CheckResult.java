package io.tpm4j.testhw;

import java.time.Duration;

/** One check of {@code ./tpm4j check}: what was tried, whether it held, how long the TPM took, and what it saw. */
public record CheckResult(String name, boolean passed, Duration latency, String detail) {
}
