package io.tpm4j.attest.ek;

import java.util.Objects;

/** One reason an EK certificate was not accepted: the check that failed and why, in words. */
public record EkProblem(EkCheck check, String reason) {

    public EkProblem {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return check + ": " + reason;
    }
}
