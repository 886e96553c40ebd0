package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.testhw.Needs;
import io.tpm4j.testhw.Permission;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TPM's object and session slots, measured by filling them until the TPM says it is full (on a TPM without
 * a resource manager in front, which would swap), then freeing every one.
 */
@ExtendWith(LeakCheck.class)
public class LimitsTest {

    /** Far above any TPM's slot count; the loop stops at the first memory warning. */
    private static final int CEILING = 64;
    private final SuiteContext context = SuiteContext.current();
    private final Tpm tpm = context.tpm();

    private void rawTpmOnly() {
        Assumptions.assumeFalse(context.target().isResourceManager(),
                "applies to a TPM without a resource manager in front (which swaps instead of filling up)");
    }

    @Test
    @Needs(Permission.OWNER)
    @DisplayName("loaded objects: at least TPM_PT_HR_TRANSIENT_MIN fit before TPM_RC_OBJECT_MEMORY")
    void objectSlots() throws Exception {
        rawTpmOnly();
        int promised = tpm.allProperties().getOrDefault(TpmPt.HR_TRANSIENT_MIN.value(), 0);
        int loaded = fill(() -> tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256()), TpmRc.OBJECT_MEMORY);
        assertTrue(loaded >= promised, loaded + " objects fit; TPM_PT_HR_TRANSIENT_MIN says " + promised);
        context.observe("loaded objects before TPM_RC_OBJECT_MEMORY", loaded + " (TPM_PT_HR_TRANSIENT_MIN " + promised + ")");
    }

    @Test
    @DisplayName("loaded sessions: at least TPM_PT_HR_LOADED_MIN fit before TPM_RC_SESSION_MEMORY")
    void sessionSlots() throws Exception {
        rawTpmOnly();
        int promised = tpm.allProperties().getOrDefault(TpmPt.HR_LOADED_MIN.value(), 0);
        int started = fill(() -> tpm.startSession(Session.hmac(TpmAlg.SHA256)), TpmRc.SESSION_MEMORY);
        assertTrue(started >= promised, started + " sessions fit; TPM_PT_HR_LOADED_MIN says " + promised);
        context.observe("loaded sessions before TPM_RC_SESSION_MEMORY", started + " (TPM_PT_HR_LOADED_MIN " + promised + ")");
    }

    /** Loads with {@code load} until the TPM answers {@code full}, frees everything, and says how many fit. */
    private static int fill(Supplier<? extends AutoCloseable> load, TpmRc full) throws Exception {
        List<AutoCloseable> loaded = new ArrayList<>();
        try {
            while (loaded.size() < CEILING) {
                try {
                    loaded.add(load.get());
                } catch (TpmResponseException e) {
                    assertTrue(e.is(full), e.getMessage());
                    break;
                }
            }
            return loaded.size();
        } finally {
            for (AutoCloseable resource : loaded) {
                resource.close();
            }
        }
    }
}
