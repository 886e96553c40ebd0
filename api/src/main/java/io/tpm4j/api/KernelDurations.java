package io.tpm4j.api;

import io.tpm4j.api.types.TpmCc;

import java.time.Duration;

/**
 * The kernel's table (drivers/char/tpm/tpm2-cmd.c, tpm2_ordinal_duration_map) with the margin already added;
 * callers reach it through {@link CommandTimeouts#kernelDefaults()}. A switch, not a map: it is consulted
 * on every command and should neither box nor allocate.
 */
final class KernelDurations implements CommandTimeouts {

    static final KernelDurations INSTANCE = new KernelDurations();
    private static final Duration MARGIN = Duration.ofSeconds(1);
    private static final Duration MEDIUM = Duration.ofMillis(750).plus(MARGIN);
    private static final Duration LONG = Duration.ofMillis(2000).plus(MARGIN);
    private static final Duration SELF_TEST = Duration.ofMillis(3000).plus(MARGIN);
    private static final Duration KEY_CREATION = Duration.ofMillis(30000).plus(MARGIN);
    private static final Duration DEFAULT = Duration.ofSeconds(120).plus(MARGIN);

    private static final int STARTUP = TpmCc.STARTUP.value();
    private static final int SELF_TEST_CC = TpmCc.SELF_TEST.value();
    private static final int GET_RANDOM = TpmCc.GET_RANDOM.value();
    private static final int SEQUENCE_UPDATE = TpmCc.SEQUENCE_UPDATE.value();
    private static final int SEQUENCE_COMPLETE = TpmCc.SEQUENCE_COMPLETE.value();
    private static final int EVENT_SEQUENCE_COMPLETE = TpmCc.EVENT_SEQUENCE_COMPLETE.value();
    private static final int HASH_SEQUENCE_START = TpmCc.HASH_SEQUENCE_START.value();
    private static final int VERIFY_SIGNATURE = TpmCc.VERIFY_SIGNATURE.value();
    private static final int PCR_EXTEND = TpmCc.PCR_EXTEND.value();
    private static final int HIERARCHY_CONTROL = TpmCc.HIERARCHY_CONTROL.value();
    private static final int HIERARCHY_CHANGE_AUTH = TpmCc.HIERARCHY_CHANGE_AUTH.value();
    private static final int GET_CAPABILITY = TpmCc.GET_CAPABILITY.value();
    private static final int NV_READ = TpmCc.NV_READ.value();
    private static final int CREATE_PRIMARY = TpmCc.CREATE_PRIMARY.value();
    private static final int CREATE = TpmCc.CREATE.value();
    private static final int CREATE_LOADED = TpmCc.CREATE_LOADED.value();

    private KernelDurations() {
    }

    @Override
    public Duration forCommand(int code) {
        if (code == STARTUP || code == SEQUENCE_UPDATE || code == SEQUENCE_COMPLETE || code == EVENT_SEQUENCE_COMPLETE
                || code == HASH_SEQUENCE_START || code == PCR_EXTEND || code == GET_CAPABILITY) {
            return MEDIUM;
        }
        if (code == GET_RANDOM || code == HIERARCHY_CONTROL || code == HIERARCHY_CHANGE_AUTH || code == NV_READ) {
            return LONG;
        }
        if (code == SELF_TEST_CC) {
            return SELF_TEST;
        }
        if (code == VERIFY_SIGNATURE || code == CREATE_PRIMARY || code == CREATE || code == CREATE_LOADED) {
            return KEY_CREATION;
        }
        return DEFAULT;
    }
}
