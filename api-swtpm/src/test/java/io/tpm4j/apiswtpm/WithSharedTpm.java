package io.tpm4j.apiswtpm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.ffi.SwtpmProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tests that share one private swtpm per class: after each test only what the class keeps loaded may be
 * loaded, and once the class is done its swtpm is stopped and none that this JVM started is left running.
 */
abstract class WithSharedTpm {

    static StartedTpm started;
    static Tpm tpm;

    @BeforeAll
    static void startSharedTpm() {
        started = StartedTpm.start();
        tpm = started.tpm;
    }

    /** The transient handles the class keeps loaded from test to test: none unless it says so. */
    List<Integer> keptLoaded() {
        return List.of();
    }

    @AfterEach
    void onlyWhatTheClassKeepsStaysLoaded() {
        assertEquals(keptLoaded(), tpm.handles(TpmHt.TRANSIENT));
    }

    @AfterAll
    static void stopSharedTpm() {
        started.close();
        assertEquals(List.of(), SwtpmProcesses.running());
    }
}
