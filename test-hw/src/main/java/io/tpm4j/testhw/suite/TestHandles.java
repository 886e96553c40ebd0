package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.types.TpmHt;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Where the suite puts what it creates on a TPM that may be in real use: handles found free at the time (never
 * one already in use), and the debug PCR.
 */
final class TestHandles {

    /** Where free handles are looked for: the owner's NV and persistent ranges, and the platform's NV range. */
    static final int OWNER_NV = 0x01500E40;
    static final int PLATFORM_NV = 0x01400E40;
    static final int OWNER_PERSISTENT = 0x81000E40;
    /** The debug PCR: resettable from locality 0 on PC-client TPMs, meant for tests. */
    static final int DEBUG_PCR = 16;

    private TestHandles() {
    }

    /** The first handle of {@code type} from {@code from} on that nothing uses. */
    static int free(Tpm tpm, TpmHt type, int from) {
        return free(tpm, type, from, 1)[0];
    }

    /** The first {@code count} handles of {@code type} from {@code from} on that nothing uses (one TPM query). */
    static int[] free(Tpm tpm, TpmHt type, int from, int count) {
        List<Integer> used = tpm.handles(type);
        return IntStream.iterate(from, h -> h + 1).filter(h -> !used.contains(h)).limit(count).toArray();
    }
}
