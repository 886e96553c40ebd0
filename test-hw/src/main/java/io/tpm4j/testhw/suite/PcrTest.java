package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.commands.PcrReset;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.testhw.Needs;
import io.tpm4j.testhw.Permission;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.security.MessageDigest;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** PCR banks: every allocated PCR reads as a digest of its bank's size; PCR 16 extends as Part 1 says. */
@ExtendWith(LeakCheck.class)
public class PcrTest {

    private final Tpm tpm = SuiteContext.current().tpm();

    @Test
    @DisplayName("every allocated PCR of every bank reads as a digest of the bank's size")
    void readAll() {
        for (PcrSelection bank : tpm.pcrBanks()) {
            if (bank.indices().isEmpty()) {
                continue;
            }
            TpmAlg alg = TpmAlg.of(bank.hashAlg()).orElseThrow();
            Map<Integer, byte[]> values = tpm.pcrValues(alg, bank.indices().stream().mapToInt(Integer::intValue).toArray());
            assertEquals(bank.indices().size(), values.size(), alg + " bank");
            int size = alg.digestSize().orElseThrow();
            values.forEach((pcr, value) -> assertEquals(size, value.length, alg + " PCR " + pcr));
        }
    }

    @Test
    @Needs(Permission.PCR)
    @DisplayName("PCR 16 (SHA-256) extends to H(old || digest) and resets to zeros")
    void extendAndReset() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest("tpm4j check".getBytes());
        try {
            tpm.execute(new PcrReset(TestHandles.DEBUG_PCR, Authorization.emptyPassword()));
            byte[] before = tpm.pcrValues(TpmAlg.SHA256, TestHandles.DEBUG_PCR).get(TestHandles.DEBUG_PCR);
            tpm.pcrExtend(TestHandles.DEBUG_PCR, new TaggedDigest(TpmAlg.SHA256, digest));
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(before);
            sha.update(digest);
            byte[] after = tpm.pcrValues(TpmAlg.SHA256, TestHandles.DEBUG_PCR).get(TestHandles.DEBUG_PCR);
            assertArrayEquals(sha.digest(), after);
            assertFalse(java.util.Arrays.equals(before, after));
        } finally {
            tpm.execute(new PcrReset(TestHandles.DEBUG_PCR, Authorization.emptyPassword()));
        }
        assertArrayEquals(new byte[32], tpm.pcrValues(TpmAlg.SHA256, TestHandles.DEBUG_PCR).get(TestHandles.DEBUG_PCR), "PCR 16 put back");
    }
}
