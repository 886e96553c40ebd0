package io.tpm4j.attest.credential;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A private chardev swtpm for each test; after each test no object and no session may be left loaded. */
abstract class WithSwtpm {

    Swtpm swtpm;
    Tpm tpm;

    @BeforeEach
    void startTpm() {
        swtpm = Swtpm.startChardev();
        tpm = Tpm.on(swtpm.transport());
        tpm.startupIfNeeded();
    }

    @AfterEach
    void nothingLeftLoaded() {
        try {
            assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT), "transient objects left in the TPM");
            assertEquals(List.of(), CallerSessions.loaded(tpm), "sessions left in the TPM");
        } finally {
            tpm.close();
            swtpm.close();
        }
    }
}
