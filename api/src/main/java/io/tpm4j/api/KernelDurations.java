package io.tpm4j.api;

import io.tpm4j.api.types.TpmCc;

import java.time.Duration;
import java.util.Map;

/** The kernel's table; callers reach it through {@link CommandTimeouts#kernelDefaults()}. */
final class KernelDurations implements CommandTimeouts {
    static final KernelDurations INSTANCE = new KernelDurations();
    private static final Duration MARGIN = Duration.ofSeconds(1);
    private static final Duration DEFAULT = Duration.ofSeconds(120);
    private static final Map<Integer, Duration> TABLE = Map.ofEntries(
            Map.entry(TpmCc.STARTUP.value(), Duration.ofMillis(750)),
            Map.entry(TpmCc.SELF_TEST.value(), Duration.ofMillis(3000)),
            Map.entry(TpmCc.GET_RANDOM.value(), Duration.ofMillis(2000)),
            Map.entry(TpmCc.SEQUENCE_UPDATE.value(), Duration.ofMillis(750)),
            Map.entry(TpmCc.SEQUENCE_COMPLETE.value(), Duration.ofMillis(750)),
            Map.entry(TpmCc.EVENT_SEQUENCE_COMPLETE.value(), Duration.ofMillis(750)),
            Map.entry(TpmCc.HASH_SEQUENCE_START.value(), Duration.ofMillis(750)),
            Map.entry(TpmCc.VERIFY_SIGNATURE.value(), Duration.ofMillis(30000)),
            Map.entry(TpmCc.PCR_EXTEND.value(), Duration.ofMillis(750)),
            Map.entry(TpmCc.HIERARCHY_CONTROL.value(), Duration.ofMillis(2000)),
            Map.entry(TpmCc.HIERARCHY_CHANGE_AUTH.value(), Duration.ofMillis(2000)),
            Map.entry(TpmCc.GET_CAPABILITY.value(), Duration.ofMillis(750)),
            Map.entry(TpmCc.NV_READ.value(), Duration.ofMillis(2000)),
            Map.entry(TpmCc.CREATE_PRIMARY.value(), Duration.ofMillis(30000)),
            Map.entry(TpmCc.CREATE.value(), Duration.ofMillis(30000)),
            Map.entry(TpmCc.CREATE_LOADED.value(), Duration.ofMillis(30000)));

    private KernelDurations() {
    }

    @Override
    public Duration forCommand(int commandCode) {
        return TABLE.getOrDefault(commandCode, DEFAULT).plus(MARGIN);
    }
}
