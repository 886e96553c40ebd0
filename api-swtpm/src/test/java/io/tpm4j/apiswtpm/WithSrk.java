package io.tpm4j.apiswtpm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Tests that work under an ECC SRK on one private swtpm per class; after each test only the SRK may be loaded. */
abstract class WithSrk {

    static StartedTpm started;
    static Tpm tpm;
    static TpmObject srk;

    @BeforeAll
    static void startTpmWithSrk() {
        started = StartedTpm.start();
        tpm = started.tpm;
        srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
    }

    @AfterEach
    void onlyTheSrkStaysLoaded() {
        assertEquals(List.of(srk.handle()), tpm.handles(TpmHt.TRANSIENT));
    }

    @AfterAll
    static void stopTpm() {
        srk.close();
        assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT));
        started.close();
    }
}
