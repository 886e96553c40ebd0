package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.testhw.Needs;
import io.tpm4j.testhw.Permission;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A key made persistent, found by its persistent handle with the same Name, and evicted again. */
@ExtendWith(LeakCheck.class)
@Needs({Permission.OWNER, Permission.PERSISTENT})
public class PersistentTest {

    private final Tpm tpm = SuiteContext.current().tpm();

    @Test
    @DisplayName("EvictControl makes the SRK persistent and evicts it; the Name is the same")
    void persistAndEvict() {
        int handle = TestHandles.free(tpm, TpmHt.PERSISTENT, TestHandles.OWNER_PERSISTENT);
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            tpm.persist(srk, handle);
            try {
                assertTrue(tpm.handles(TpmHt.PERSISTENT).contains(handle));
                assertArrayEquals(srk.name(), tpm.readPublic(handle).name());
            } finally {
                tpm.evict(handle);
            }
        }
        assertFalse(tpm.handles(TpmHt.PERSISTENT).contains(handle), "the persistent handle was evicted again");
    }
}
