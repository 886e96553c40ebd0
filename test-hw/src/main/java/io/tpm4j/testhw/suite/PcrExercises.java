package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.commands.EventSequenceComplete;
import io.tpm4j.api.commands.HashSequenceStart;
import io.tpm4j.api.commands.PcrAllocate;
import io.tpm4j.api.commands.PcrExtend;
import io.tpm4j.api.commands.PcrReset;
import io.tpm4j.api.commands.PcrSetAuthPolicy;
import io.tpm4j.api.commands.PcrSetAuthValue;
import io.tpm4j.api.commands.SequenceUpdate;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

import static io.tpm4j.api.types.TpmCc.*;
import static io.tpm4j.testhw.suite.ExerciseSupport.EMPTY;
import static io.tpm4j.testhw.suite.ExerciseSupport.concat;
import static io.tpm4j.testhw.suite.ExerciseSupport.flushIfLoaded;
import static io.tpm4j.testhw.suite.ExerciseSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exercises of PCRs: the debug PCR extended three ways and reset, a PCR's authValue and authPolicy set
 * and put back (platform), and the current allocation allocated again (platform). Each ends as it began.
 */
final class PcrExercises {

    /** TPM_PT_PCR_POLICY and TPM_PT_PCR_AUTH: the PCRs that can have an authPolicy or an authValue. */
    private static final int PT_PCR_POLICY = 0x13;
    private static final int PT_PCR_AUTH = 0x14;

    /** Whether the TPM has a command: an exercise skips the optional steps whose commands it lacks. */
    private final Predicate<TpmCc> has;

    PcrExercises(Predicate<TpmCc> advertised) {
        this.has = advertised;
    }

    /** PCR 16 extended three ways, then reset: it ends as all zeros, as it was after the last TPM reset. */
    static void debugPcr(Tpm tpm) {
        byte[] event = "an event in the debug PCR".getBytes(StandardCharsets.UTF_8);
        try {
            tpm.execute(new PcrExtend(TestHandles.DEBUG_PCR, EMPTY, List.of(new TaggedDigest(TpmAlg.SHA256, sha256(event)))));
            tpm.pcrEvent(TestHandles.DEBUG_PCR, event);
            int sequence = tpm.execute(new HashSequenceStart(new byte[0], TpmAlg.NULL)).sequenceHandle();
            try {
                tpm.execute(new SequenceUpdate(sequence, EMPTY, event));
                List<TaggedDigest> digests = tpm.execute(new EventSequenceComplete(TestHandles.DEBUG_PCR, EMPTY, sequence, EMPTY,
                        event)).results();
                assertTrue(digests.contains(new TaggedDigest(TpmAlg.SHA256, sha256(concat(event, event)))),
                        digests.toString());
            } finally {
                flushIfLoaded(tpm, sequence);
            }
        } finally {
            tpm.execute(new PcrReset(TestHandles.DEBUG_PCR, EMPTY));
        }
        assertArrayEquals(new byte[32], tpm.pcrValues(TpmAlg.SHA256, TestHandles.DEBUG_PCR).get(TestHandles.DEBUG_PCR), "PCR 16 after reset");
    }

    /** The lowest PCR that can have an authValue (or authPolicy) is given one, then the empty one again. */
    void pcrAuthorisation(Tpm tpm) {
        if (has.test(PCR_SET_AUTH_VALUE)) {
            int pcr = firstPcrWith(tpm, PT_PCR_AUTH);
            byte[] secret = "pcr secret".getBytes(StandardCharsets.UTF_8);
            tpm.execute(new PcrSetAuthValue(pcr, EMPTY, secret));
            tpm.execute(new PcrSetAuthValue(pcr, Authorization.password(secret), new byte[0]));
        }
        if (has.test(PCR_SET_AUTH_POLICY)) {
            int pcr = firstPcrWith(tpm, PT_PCR_POLICY);
            tpm.execute(new PcrSetAuthPolicy(EMPTY, PolicyDigest.start(TpmAlg.SHA256).commandCode(PCR_EXTEND).digest(),
                    TpmAlg.SHA256, pcr));
            tpm.execute(new PcrSetAuthPolicy(EMPTY, new byte[0], TpmAlg.NULL, pcr));
        }
    }

    private static int firstPcrWith(Tpm tpm, int tag) {
        CapabilityData.PcrProperties properties = (CapabilityData.PcrProperties) tpm.getCapability(TpmCap.PCR_PROPERTIES,
                tag, 1).data();
        return properties.properties().getFirst().pcrs().nextSetBit(0);
    }

    /** The allocation the TPM has now, allocated again: nothing changes at the next reset. */
    static void pcrAllocate(Tpm tpm) {
        assertTrue(tpm.execute(new PcrAllocate(TpmRh.PLATFORM, EMPTY, tpm.pcrBanks())).allocationSuccess());
    }
}
