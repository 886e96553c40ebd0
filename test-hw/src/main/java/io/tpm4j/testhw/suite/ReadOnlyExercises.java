package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.EccParameters;
import io.tpm4j.api.commands.GetRandom;
import io.tpm4j.api.commands.GetTestResult;
import io.tpm4j.api.commands.Hash;
import io.tpm4j.api.commands.HashSequenceStart;
import io.tpm4j.api.commands.IncrementalSelfTest;
import io.tpm4j.api.commands.SelfTest;
import io.tpm4j.api.commands.SequenceComplete;
import io.tpm4j.api.commands.SequenceUpdate;
import io.tpm4j.api.commands.StirRandom;
import io.tpm4j.api.commands.TestParms;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.types.TpmSu;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static io.tpm4j.testhw.suite.ExerciseSupport.EMPTY;
import static io.tpm4j.testhw.suite.ExerciseSupport.eccParameters;
import static io.tpm4j.testhw.suite.ExerciseSupport.flushIfLoaded;
import static io.tpm4j.testhw.suite.ExerciseSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exercises that only read or compute: Startup refused on a running TPM, self tests, random numbers, the
 * TPM's capabilities and clock, hashing. They need no permission and change nothing that lasts.
 */
final class ReadOnlyExercises {

    private ReadOnlyExercises() {
    }

    static void startup(Tpm tpm) {
        TpmResponseException refused = assertThrows(TpmResponseException.class, () -> tpm.startup(TpmSu.CLEAR));
        assertTrue(refused.is(TpmRc.INITIALIZE), refused.getMessage());
    }

    static void selfTests(Tpm tpm) {
        tpm.execute(new SelfTest(false));
        List<Integer> toDo = tpm.execute(new IncrementalSelfTest(List.of(TpmAlg.SHA256.value()))).toDoList();
        assertTrue(!toDo.contains(TpmAlg.SHA256.value()), "SHA-256 still untested: " + toDo);
        assertEquals(0, tpm.execute(new GetTestResult()).testResult(), "TPM2_GetTestResult");
    }

    static void random(Tpm tpm) {
        tpm.execute(new StirRandom("entropy from the caller".getBytes(StandardCharsets.UTF_8)));
        assertEquals(32, tpm.execute(new GetRandom(32)).randomBytes().length);
    }

    static void reading(Tpm tpm) {
        assertTrue(!tpm.commands().isEmpty(), "TPM_CAP_COMMANDS");
        assertTrue(!tpm.pcrRead(tpm.pcrBanks()).pcrValues().isEmpty(), "PCR values");
        assertTrue(tpm.readClock().clock() > 0, "the clock runs");
        tpm.execute(new TestParms(eccParameters(Scheme.of(TpmAlg.ECDSA, TpmAlg.SHA256), Templates.ECC_NIST_P256)));
        assertEquals(32, tpm.execute(new EccParameters(Templates.ECC_NIST_P256)).p().length);
    }

    static void hashing(Tpm tpm) {
        byte[] data = new byte[2500];
        Arrays.fill(data, (byte) 'h');
        byte[] expected = sha256(data);
        assertArrayEquals(sha256(Arrays.copyOf(data, 1000)), tpm.execute(new Hash(Arrays.copyOf(data, 1000),
                TpmAlg.SHA256, TpmRh.NULL)).outHash());
        int sequence = tpm.execute(new HashSequenceStart(new byte[0], TpmAlg.SHA256)).sequenceHandle();
        try {
            tpm.execute(new SequenceUpdate(sequence, EMPTY, Arrays.copyOf(data, 1000)));
            tpm.execute(new SequenceUpdate(sequence, EMPTY, Arrays.copyOfRange(data, 1000, 2000)));
            assertArrayEquals(expected, tpm.execute(new SequenceComplete(sequence, EMPTY,
                    Arrays.copyOfRange(data, 2000, data.length), TpmRh.NULL)).result());
        } finally {
            flushIfLoaded(tpm, sequence);
        }
    }
}
