package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.commands.EccParameters;
import io.tpm4j.api.commands.GetTestResult;
import io.tpm4j.api.commands.SelfTest;
import io.tpm4j.api.types.AlgorithmProperty;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TPM says what it is: a TPM 2.0 with a manufacturer, the algorithms every PC-client TPM has, sane limits. */
@ExtendWith(LeakCheck.class)
public class PropertiesTest {

    private final Tpm tpm = SuiteContext.current().tpm();

    @Test
    @DisplayName("properties name a manufacturer and the TPM 2.0 family")
    void identity() {
        Map<Integer, Integer> p = tpm.allProperties();
        assertNotEquals(0, p.getOrDefault(TpmPt.MANUFACTURER.value(), 0), "TPM_PT_MANUFACTURER");
        assertEquals(0x322E3000, p.getOrDefault(TpmPt.FAMILY_INDICATOR.value(), 0), "TPM_PT_FAMILY_INDICATOR is \"2.0\"");
    }

    @Test
    @DisplayName("algorithms include SHA-256, AES, HMAC, and RSA or ECC")
    void algorithms() {
        List<Integer> algs = tpm.algorithms().stream().map(AlgorithmProperty::alg).toList();
        for (TpmAlg required : List.of(TpmAlg.SHA256, TpmAlg.AES, TpmAlg.HMAC)) {
            assertTrue(algs.contains(required.value()), TpmAlg.describe(required.value()) + " missing: " + algs);
        }
        assertTrue(algs.contains(TpmAlg.RSA.value()) || algs.contains(TpmAlg.ECC.value()), "neither RSA nor ECC");
    }

    @Test
    @DisplayName("limits: 1024-byte command and response buffers, 3 objects and 3 sessions at least")
    void limits() {
        Map<Integer, Integer> p = tpm.allProperties();
        assertTrue(p.getOrDefault(TpmPt.MAX_COMMAND_SIZE.value(), 0) >= 1024, "TPM_PT_MAX_COMMAND_SIZE");
        assertTrue(p.getOrDefault(TpmPt.MAX_RESPONSE_SIZE.value(), 0) >= 1024, "TPM_PT_MAX_RESPONSE_SIZE");
        assertTrue(p.getOrDefault(TpmPt.HR_TRANSIENT_MIN.value(), 0) >= 3, "TPM_PT_HR_TRANSIENT_MIN");
        assertTrue(p.getOrDefault(TpmPt.HR_LOADED_MIN.value(), 0) >= 3, "TPM_PT_HR_LOADED_MIN");
    }

    @Test
    @DisplayName("ECC curves: each curve the TPM lists has parameters of its key size (TPM2_ECC_Parameters)")
    void curves() {
        List<Integer> algs = tpm.algorithms().stream().map(AlgorithmProperty::alg).toList();
        Assumptions.assumeTrue(algs.contains(TpmAlg.ECC.value()), "this TPM has no ECC");
        CapabilityData data = tpm.getCapability(TpmCap.ECC_CURVES, 0, 64).data();
        List<Integer> curves = ((CapabilityData.EccCurves) data).curves();
        assertTrue(curves.contains(Templates.ECC_NIST_P256), "NIST P-256 missing: " + curves);
        for (int curve : curves) {
            EccParameters.Response parameters = tpm.execute(new EccParameters(curve));
            assertEquals(curve, parameters.curveId());
            int bytes = (parameters.keySize() + 7) / 8;
            assertTrue(parameters.p().length <= bytes && parameters.p().length >= bytes - 1,
                    String.format("curve 0x%04x: a %d-bit prime in %d bytes", curve, parameters.keySize(), parameters.p().length));
        }
    }

    @Test
    @DisplayName("self-test: TPM2_SelfTest (full) passes and TPM2_GetTestResult reports success")
    void selfTest() {
        tpm.execute(new SelfTest(true));
        assertEquals(0, tpm.execute(new GetTestResult()).testResult(), "TPM2_GetTestResult");
    }
}
