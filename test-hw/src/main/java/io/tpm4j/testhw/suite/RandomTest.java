package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TPM2_GetRandom: the length asked for, different every time, and more than one response's worth. */
@ExtendWith(LeakCheck.class)
public class RandomTest {

    private final Tpm tpm = SuiteContext.current().tpm();

    @Test
    @DisplayName("GetRandom(32) twice: 32 bytes each, different")
    void twice() {
        byte[] a = tpm.getRandom(32);
        byte[] b = tpm.getRandom(32);
        assertEquals(32, a.length);
        assertEquals(32, b.length);
        assertFalse(java.util.Arrays.equals(a, b));
    }

    @Test
    @DisplayName("1 KiB of random bytes in several commands, every byte value plausible")
    void kibibyte() {
        byte[] bytes = tpm.getRandom(1024);
        assertEquals(1024, bytes.length);
        int[] counts = new int[256];
        for (byte b : bytes) {
            counts[b & 0xFF]++;
        }
        // 1024 fair bytes put at most a handful on any one value; a stuck generator puts hundreds.
        assertTrue(java.util.Arrays.stream(counts).max().orElse(0) < 20, "one byte value dominates");
    }
}
