package io.tpm4j.testhw;

import io.tpm4j.testhw.suite.AttestationFlowTest;
import io.tpm4j.testhw.suite.ChipComparisonTest;
import io.tpm4j.testhw.suite.CommandSetTest;
import io.tpm4j.testhw.suite.DeviceTest;
import io.tpm4j.testhw.suite.EventLogTest;
import io.tpm4j.testhw.suite.EveryCommandTest;
import io.tpm4j.testhw.suite.JcaProviderTest;
import io.tpm4j.testhw.suite.ResourceManagerTest;
import io.tpm4j.testhw.suite.SwappingCostTest;
import io.tpm4j.testhw.suite.VtpmDeadlineTest;
import io.tpm4j.testhw.suite.VtpmRemovalTest;
import io.tpm4j.testhw.suite.KeysAndSessionsTest;
import io.tpm4j.testhw.suite.LatencyTest;
import io.tpm4j.testhw.suite.LimitsTest;
import io.tpm4j.testhw.suite.NvTest;
import io.tpm4j.testhw.suite.PcrTest;
import io.tpm4j.testhw.suite.PersistentTest;
import io.tpm4j.testhw.suite.PropertiesTest;
import io.tpm4j.testhw.suite.RandomTest;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Runs the hardware suite through the JUnit Platform launcher against one target and collects every outcome. */
public final class SuiteRunner {

    /** The suite, in report order. */
    static final List<Class<?>> SUITE = List.of(PropertiesTest.class, CommandSetTest.class, EveryCommandTest.class,
            RandomTest.class, PcrTest.class, EventLogTest.class, AttestationFlowTest.class, LimitsTest.class,
            KeysAndSessionsTest.class, JcaProviderTest.class, NvTest.class,
            PersistentTest.class, DeviceTest.class, ResourceManagerTest.class, SwappingCostTest.class, ChipComparisonTest.class,
            VtpmRemovalTest.class, VtpmDeadlineTest.class, LatencyTest.class);

    /** How a test ended. */
    public enum Status { PASSED, FAILED, NOT_PERMITTED, SKIPPED }

    /** One test's outcome: its group (the test class), its name, status, the reason (failure or skip) and time. */
    public record Outcome(String group, String name, Status status, String reason, Duration duration) {
    }

    /** Everything one run produced. */
    public record Result(List<Outcome> outcomes, List<SuiteContext.Latency> latencies,
                         List<SuiteContext.Observation> observations) {
        public long count(Status status) {
            return outcomes.stream().filter(o -> o.status() == status).count();
        }
    }

    private SuiteRunner() {
    }

    public static Result run(Target.Opened target, Set<Permission> permitted) {
        return run(target, permitted, SUITE);
    }

    /** Runs {@code classes} (the suite, or a test's own) against {@code target}. */
    static Result run(Target.Opened target, Set<Permission> permitted, List<Class<?>> classes) {
        SuiteContext context = new SuiteContext(target, permitted);
        SuiteContext.set(context);
        try {
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(classes.stream().map(DiscoverySelectors::selectClass).toList())
                    // The suite's own tests only, never anything else the class path happens to hold.
                    .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                    .build();
            Collector collector = new Collector();
            LauncherFactory.create().execute(request, collector);
            List<Outcome> ordered = new ArrayList<>(collector.outcomes);
            ordered.sort(java.util.Comparator.comparingInt((Outcome o) -> groupIndex(classes, o.group())));
            return new Result(List.copyOf(ordered), context.latencies(), context.observations());
        } finally {
            SuiteContext.set(null);
        }
    }

    private static int groupIndex(List<Class<?>> classes, String group) {
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i).getSimpleName().equals(group)) {
                return i;
            }
        }
        return classes.size();
    }

    /** Records tests (and whole test classes that were skipped) as they end. */
    private static final class Collector implements TestExecutionListener {
        private final List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        private TestPlan plan;

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            started.put(id.getUniqueId(), System.nanoTime());
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest() || isClass(id)) {
                Status status = reason != null && reason.startsWith(PermissionCondition.PREFIX) ? Status.NOT_PERMITTED
                        : Status.SKIPPED;
                outcomes.add(new Outcome(group(id), isClass(id) ? "(every test)" : id.getDisplayName(), status, reason,
                        Duration.ZERO));
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            boolean failedClass = isClass(id) && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL;
            if (!id.isTest() && !failedClass) {
                return;
            }
            Long start = started.get(id.getUniqueId());
            Duration took = start == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - start);
            // A test that finds out while running what it needs aborts with the reason a skipped one would give.
            boolean notPermitted = result.getStatus() == TestExecutionResult.Status.ABORTED && result.getThrowable()
                    .map(Throwable::getMessage).filter(m -> m.startsWith(PermissionCondition.PREFIX)).isPresent();
            Status status = switch (result.getStatus()) {
                case SUCCESSFUL -> Status.PASSED;
                case ABORTED -> notPermitted ? Status.NOT_PERMITTED : Status.SKIPPED;
                case FAILED -> Status.FAILED;
            };
            String reason = notPermitted ? result.getThrowable().orElseThrow().getMessage()
                    : result.getThrowable().map(t -> t.getClass().getSimpleName() + ": " + t.getMessage()).orElse("");
            outcomes.add(new Outcome(group(id), isClass(id) ? "(set-up)" : id.getDisplayName(), status, reason, took));
        }

        private static boolean isClass(TestIdentifier id) {
            return id.getSource().filter(s -> s instanceof org.junit.platform.engine.support.descriptor.ClassSource).isPresent();
        }

        private String group(TestIdentifier id) {
            TestIdentifier at = id;
            while (at != null && !isClass(at)) {
                at = plan.getParent(at).orElse(null);
            }
            return at == null ? "" : ((org.junit.platform.engine.support.descriptor.ClassSource) at.getSource().orElseThrow())
                    .getJavaClass().getSimpleName();
        }
    }
}
