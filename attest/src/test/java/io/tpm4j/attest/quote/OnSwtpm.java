package io.tpm4j.attest.quote;

import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A private swtpm, started as firmware leaves a TPM; after each test it must hold no object or session. */
abstract class OnSwtpm {

    Swtpm swtpm;
    Tpm tpm;

    @BeforeEach
    void startTpm() {
        swtpm = Swtpm.startChardev();
        tpm = Tpm.on(swtpm.transport()::transmit);
        PlatformHierarchy.DISABLE.startupIfNeeded(tpm);
    }

    @AfterEach
    void checkNothingLeft() {
        try {
            assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT), "transient objects left in the TPM");
            assertEquals(List.of(), tpm.handles(TpmHt.PERSISTENT), "persistent objects left in the TPM");
            assertEquals(List.of(), tpm.loadedSessions(), "sessions left in the TPM");
        } finally {
            tpm.close();
            swtpm.close();
        }
    }
}
