package io.tpm4j.testhw;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Skips a test whose {@link Needs} are not all permitted, naming what is missing and the option that allows it, or
 * that needs a permission this TPM cannot honour (see {@link SuiteContext#cannotRun}).
 */
public final class PermissionCondition implements ExecutionCondition {

    /** Skip reasons start with this, so the report can tell permission skips from others. */
    public static final String PREFIX = "needs permission ";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        List<Permission> needed = new ArrayList<>();
        context.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, Needs.class))
                .ifPresent(n -> needed.addAll(List.of(n.value())));
        if (needed.isEmpty()) {
            return ConditionEvaluationResult.enabled("read-only");
        }
        return SuiteContext.current().cannotRun(needed).map(ConditionEvaluationResult::disabled)
                .orElse(ConditionEvaluationResult.enabled("permitted"));
    }

    /**
     * Why a test that needs {@code needed} may not run with {@code permitted}: {@link #PREFIX}, what is missing
     * and the {@code --permit} option that allows it; empty when everything needed is permitted.
     */
    public static Optional<String> notPermitted(Collection<Permission> needed, Set<Permission> permitted) {
        List<Permission> missing = needed.stream().filter(p -> !permitted.contains(p)).distinct().sorted().toList();
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(PREFIX + String.join(", ", missing.stream().map(p -> p.option() + " (" + p.meaning() + ")")
                .toList()) + "; run with --permit " + String.join(",", missing.stream().map(Permission::option).toList()));
    }
}
