package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmObject;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Tests that work under an ECC SRK on one private swtpm per class; after each test only the SRK may be loaded. */
abstract class WithSrk extends WithSharedTpm {

    static TpmObject srk;

    @BeforeAll
    static void createSrk() {
        srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256());
    }

    @Override
    List<Integer> keptLoaded() {
        return List.of(srk.handle());
    }

    @AfterAll
    static void flushSrk() {
        srk.close();
        assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT));
    }
}
