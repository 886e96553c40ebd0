package io.tpm4j.testhw;

import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.Tpm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the hardware tests of one run share: the TPM, what the user permitted, and the latencies they measured.
 * Set for the duration of {@link SuiteRunner#run}; the tests read it through {@link #current()}.
 */
public final class SuiteContext {

    private static volatile SuiteContext current;

    /** One command's latency: how often it ran and its median and 99th percentile. */
    public record Latency(String command, int samples, Duration median, Duration p99) {
    }

    private final Target.Opened target;
    private final Set<Permission> permitted;
    /** Permissions given that this TPM cannot honour, and why. */
    private final Map<Permission, String> unusable;
    private final List<Latency> latencies = Collections.synchronizedList(new ArrayList<>());
    private final List<Observation> observations = Collections.synchronizedList(new ArrayList<>());

    SuiteContext(Target.Opened target, Set<Permission> permitted) {
        this.target = target;
        this.permitted = Set.copyOf(permitted);
        this.unusable = unusable(target.tpm(), this.permitted);
    }

    /**
     * A TPM that firmware started has a platform hierarchy that belongs to the firmware, which disabled it or set a
     * password of its own (SeaBIOS and UEFI do): {@code --permit platform} cannot apply there. Asked only when
     * platform is permitted, since the question itself uses the platform authorisation.
     */
    private static Map<Permission, String> unusable(Tpm tpm, Set<Permission> permitted) {
        if (permitted.contains(Permission.PLATFORM) && !PlatformHierarchy.isOpen(tpm)) {
            return Map.of(Permission.PLATFORM, "the platform hierarchy does not take the empty password: the firmware "
                    + "that started this TPM disabled it or set its own authorisation, so --permit platform cannot apply");
        }
        return Map.of();
    }

    /**
     * Why a test that needs {@code needed} cannot run: a permission not given ({@link PermissionCondition#PREFIX}
     * and the option that gives it), or one given that this TPM cannot honour; empty when it can run.
     */
    public Optional<String> cannotRun(Collection<Permission> needed) {
        return PermissionCondition.notPermitted(needed, permitted)
                .or(() -> needed.stream().map(unusable::get).filter(Objects::nonNull).findFirst());
    }

    public static SuiteContext current() {
        SuiteContext context = current;
        if (context == null) {
            throw new IllegalStateException("the hardware tests run through ./tpm4j check (SuiteRunner), not on their own");
        }
        return context;
    }

    static void set(SuiteContext context) {
        current = context;
    }

    public Tpm tpm() {
        return target.tpm();
    }

    public Target target() {
        return target.target();
    }

    /** A second client of the target's resource manager; see {@link Target#isResourceManager()}. */
    public Tpm anotherClient() {
        return target.anotherClient();
    }

    /** What the target did where TPMs or resource managers differ (the kernel's and tpm4j's); goes into the report. */
    public record Observation(String behaviour, String seen) {
    }

    public void observe(String behaviour, String seen) {
        observations.add(new Observation(behaviour, seen));
    }

    List<Observation> observations() {
        return List.copyOf(observations);
    }

    public Set<Permission> permitted() {
        return permitted;
    }

    /** Times {@code samples} runs of {@code command} and records the median and 99th percentile. */
    public Latency measure(String command, int samples, Runnable work) {
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            work.run();
            nanos[i] = System.nanoTime() - start;
        }
        java.util.Arrays.sort(nanos);
        Latency latency = new Latency(command, samples, Duration.ofNanos(nanos[samples / 2]),
                Duration.ofNanos(nanos[Math.min(samples - 1, (int) Math.ceil(samples * 0.99) - 1)]));
        latencies.add(latency);
        return latency;
    }

    List<Latency> latencies() {
        return List.copyOf(latencies);
    }
}
