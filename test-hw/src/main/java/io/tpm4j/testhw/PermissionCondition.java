package io.tpm4j.testhw;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Skips a test whose {@link Needs} are not all permitted, naming what is missing and the option that allows it. */
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
        Set<Permission> permitted = SuiteContext.current().permitted();
        List<String> missing = needed.stream().filter(p -> !permitted.contains(p))
                .map(p -> p.option() + " (" + p.meaning() + ")").toList();
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("permitted");
        }
        return ConditionEvaluationResult.disabled(PREFIX + String.join(", ", missing) + "; run with --permit "
                + String.join(",", needed.stream().filter(p -> !permitted.contains(p)).map(Permission::option).toList()));
    }
}
