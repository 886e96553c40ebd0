package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.testhw.Needs;
import io.tpm4j.testhw.Permission;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-command latency, median and 99th percentile, of the commands applications use most; the numbers go into
 * the report. Each test fails only if a command fails or takes longer than the kernel would wait for it.
 */
@ExtendWith(LeakCheck.class)
public class LatencyTest {

    private static final int SAMPLES = 50;
    private final SuiteContext context = SuiteContext.current();
    private final Tpm tpm = context.tpm();

    @Test
    @DisplayName("latency of GetRandom, PCR_Read, GetCapability, ReadClock")
    void readOnly() {
        check(context.measure("TPM2_GetRandom(32)", SAMPLES, () -> tpm.getRandom(32)));
        check(context.measure("TPM2_PCR_Read(sha256, PCR 0)", SAMPLES, () -> tpm.pcrValues(TpmAlg.SHA256, 0)));
        check(context.measure("TPM2_GetCapability(TPM_PROPERTIES)", SAMPLES,
                () -> tpm.getCapability(TpmCap.TPM_PROPERTIES, TpmPt.MANUFACTURER.value(), 8)));
        check(context.measure("TPM2_ReadClock", SAMPLES, tpm::readClock));
    }

    @Test
    @Needs(Permission.OWNER)
    @DisplayName("latency of CreatePrimary, Load, Sign, FlushContext (ECC P-256)")
    void keys() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(new byte[1]);
        check(context.measure("TPM2_CreatePrimary(ECC P-256 SRK) + FlushContext", 10,
                () -> tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256()).close()));
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            var created = tpm.create(srk, Templates.eccSigningKey());
            check(context.measure("TPM2_Load(ECC key) + FlushContext", SAMPLES, () -> tpm.load(srk, created).close()));
            try (TpmObject key = tpm.load(srk, created)) {
                tpm.sign(key, digest);
                check(context.measure("TPM2_Sign(ECDSA P-256)", SAMPLES, () -> tpm.sign(key, digest)));
            }
        }
    }

    /** The kernel's longest default duration for ordinary commands is 2 s; anything near it is a broken TPM. */
    private static void check(SuiteContext.Latency latency) {
        assertTrue(latency.p99().toMillis() < 2000, latency.command() + " p99 " + latency.p99());
    }
}
