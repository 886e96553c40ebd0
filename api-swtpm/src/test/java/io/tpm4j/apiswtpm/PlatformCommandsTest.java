package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.PcrExtend;
import io.tpm4j.api.commands.PcrSetAuthPolicy;
import io.tpm4j.api.commands.PcrSetAuthValue;
import io.tpm4j.api.commands.PolicyCommandCode;
import io.tpm4j.api.commands.PolicyRestart;
import io.tpm4j.api.commands.PpCommands;
import io.tpm4j.api.commands.SetAlgorithmSet;
import io.tpm4j.api.commands.StartAuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TaggedPcrSelect;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmPt;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Platform-authorised commands that change lasting TPM state, each on a fresh swtpm. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlatformCommandsTest extends WithFreshTpm {

    private static final Authorization EMPTY = Authorization.emptyPassword();
    /** TPM_PT_PCR_POLICY and TPM_PT_PCR_AUTH: the PCRs that have a policy or an authValue group. */
    private static final int PT_PCR_POLICY = 0x13;
    private static final int PT_PCR_AUTH = 0x14;

    /** Socket mode: PCRs 20 to 22 extend only from localities above 0, which the control socket sets. */
    @Override
    StartedTpm startTpm() {
        return StartedTpm.startWithControl();
    }

    /** The lowest PCR the TPM lists with {@code tag}. */
    private int firstPcrWith(int tag) {
        CapabilityData.PcrProperties properties = (CapabilityData.PcrProperties) tpm.getCapability(
                TpmCap.PCR_PROPERTIES, tag, 1).data();
        TaggedPcrSelect select = properties.properties().getFirst();
        assertEquals(tag, select.tag());
        assertTrue(select.pcrs().cardinality() > 0, "the TPM lists PCRs for TPM_PT_PCR 0x" + Integer.toHexString(tag));
        return select.pcrs().nextSetBit(0);
    }

    private PcrExtend extend(int pcr, Authorization auth) {
        return new PcrExtend(pcr, auth, List.of(new TaggedDigest(TpmAlg.SHA256, new byte[32])));
    }

    @Test
    void pcrAuthValueIsNeededToExtendOnceSet() {
        int pcr = firstPcrWith(PT_PCR_AUTH);
        TpmResponseException locality0 = assertThrows(TpmResponseException.class, () -> tpm.execute(extend(pcr, EMPTY)));
        assertTrue(locality0.is(TpmRc.LOCALITY), locality0.getMessage());
        started.swtpm.setLocality(3);
        tpm.execute(extend(pcr, EMPTY));
        tpm.execute(new PcrSetAuthValue(pcr, EMPTY, "pcr secret".getBytes()));
        TpmResponseException refused = assertThrows(TpmResponseException.class, () -> tpm.execute(extend(pcr, EMPTY)));
        assertTrue(refused.is(TpmRc.BAD_AUTH) || refused.is(TpmRc.AUTH_FAIL), refused.getMessage());
        tpm.execute(extend(pcr, Authorization.password("pcr secret".getBytes())));
    }

    @Test
    void pcrAuthPolicyAuthorisesExtendThroughAPolicySession() throws Exception {
        int pcr = firstPcrWith(PT_PCR_POLICY);
        started.swtpm.setLocality(3);
        tpm.execute(new PcrSetAuthPolicy(EMPTY, DuplicationTest.commandCodePolicy(TpmCc.PCR_EXTEND), TpmAlg.SHA256, pcr));
        int session = tpm.execute(new StartAuthSession(TpmRh.NULL, TpmRh.NULL, tpm.getRandom(16), new byte[0],
                StartAuthSession.POLICY, SymmetricDefinition.NULL, TpmAlg.SHA256)).sessionHandle();
        try {
            tpm.execute(new PolicyCommandCode(session, TpmCc.PCR_EVENT.value()));
            TpmResponseException wrong = assertThrows(TpmResponseException.class,
                    () -> tpm.execute(extend(pcr, Authorization.policySession(session, true))));
            assertTrue(wrong.is(TpmRc.POLICY_CC) || wrong.is(TpmRc.POLICY_FAIL), wrong.getMessage());
            tpm.execute(new PolicyRestart(session));
            tpm.execute(new PolicyCommandCode(session, TpmCc.PCR_EXTEND.value()));
            tpm.execute(extend(pcr, Authorization.policySession(session, false)));
        } finally {
            if (tpm.loadedSessions().contains(session)) {
                tpm.execute(new FlushContext(session));
            }
        }
        assertEquals(List.of(), CallerSessions.loaded(tpm));
    }

    @Test
    void algorithmSetIsReportedBack() {
        tpm.execute(new SetAlgorithmSet(EMPTY, 1));
        assertEquals(1, tpm.allProperties().get(TpmPt.ALGORITHM_SET.value()));
        tpm.execute(new SetAlgorithmSet(EMPTY, 0));
        assertEquals(0, tpm.allProperties().get(TpmPt.ALGORITHM_SET.value()));
    }

    /**
     * swtpm offers no way to assert physical presence, so the TPM stops PP_Commands at that check (after the
     * handle and authorisation areas); the parameters are checked against TPML_CC's layout here.
     */
    @Test
    void ppCommandsIsRefusedWithoutPhysicalPresence() {
        PpCommands command = new PpCommands(EMPTY, List.of(TpmCc.CLEAR), List.of(TpmCc.HIERARCHY_CONTROL));
        TpmWriter parameters = new TpmWriter();
        command.writeParameters(parameters);
        assertArrayEquals(new TpmWriter().u32(1).u32(TpmCc.CLEAR.value()).u32(1).u32(TpmCc.HIERARCHY_CONTROL.value())
                .toByteArray(), parameters.toByteArray());
        TpmResponseException e = assertThrows(TpmResponseException.class, () -> tpm.execute(command));
        assertTrue(e.is(TpmRc.PP), e.getMessage());
        assertEquals(java.util.OptionalInt.of(1), e.responseCode().sessionNumber(), e.getMessage());
    }

    @Test
    void localityIsCheckedBeforeItIsSet() {
        assertThrows(IllegalArgumentException.class, () -> started.swtpm.setLocality(5));
        try (Swtpm chardev = Swtpm.startChardev()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> chardev.setLocality(1));
            assertTrue(e.getMessage().contains("control socket"), e.getMessage());
        }
    }
}
