package io.tpm4j.apiswtpm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.types.TpmHt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Tests that change TPM-wide state get a private swtpm each; after each test nothing may be left loaded. */
abstract class WithFreshTpm {

    StartedTpm started;
    Tpm tpm;

    @BeforeEach
    void startFreshTpm() {
        started = startTpm();
        tpm = started.tpm;
    }

    /** A chardev swtpm; tests that need its control socket start a socket-mode one instead. */
    StartedTpm startTpm() {
        return StartedTpm.start();
    }

    @AfterEach
    void nothingLeftLoadedThenStop() {
        try {
            assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT));
        } finally {
            started.close();
        }
    }
}
