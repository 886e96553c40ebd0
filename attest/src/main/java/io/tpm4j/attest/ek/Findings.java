package io.tpm4j.attest.ek;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The checks run so far on one certificate: which passed, and every failure's reason. */
final class Findings {

    private final Set<EkCheck> passed = EnumSet.noneOf(EkCheck.class);
    private final List<EkProblem> problems = new ArrayList<>();

    void pass(EkCheck check) {
        passed.add(check);
    }

    void fail(EkCheck check, String reason) {
        problems.add(new EkProblem(check, reason));
    }

    /** Passes {@code check} unless a failure for it has been recorded. */
    void passUnlessFailed(EkCheck check) {
        if (problems.stream().noneMatch(p -> p.check() == check)) {
            passed.add(check);
        }
    }

    boolean ok() {
        return problems.isEmpty();
    }

    Set<EkCheck> passed() {
        return passed;
    }

    List<EkProblem> problems() {
        return problems;
    }
}
