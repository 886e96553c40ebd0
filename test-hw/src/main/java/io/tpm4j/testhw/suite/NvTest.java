package io.tpm4j.testhw.suite;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.testhw.Needs;
import io.tpm4j.testhw.Permission;
import io.tpm4j.testhw.LeakCheck;
import io.tpm4j.testhw.SuiteContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** An NV index defined, written, read in chunks and undefined again, its data travelling encrypted. */
@ExtendWith(LeakCheck.class)
@Needs({Permission.OWNER, Permission.NV})
public class NvTest {

    /** In the owner's range for tests (TCG's "reserved for TPM manufacturer/owner" ranges are avoided). */
    private static final int INDEX = 0x01500E40;
    private final Tpm tpm = SuiteContext.current().tpm();

    @Test
    @DisplayName("an ordinary NV index: define, write 1,500 bytes, read them back, undefine")
    void defineWriteReadUndefine() {
        Assumptions.assumeFalse(tpm.handles(TpmHt.NV_INDEX).contains(INDEX),
                String.format("NV index 0x%08x is in use on this TPM; not touching it", INDEX));
        byte[] data = new byte[1500];
        new java.util.Random(7).nextBytes(data);
        tpm.nvDefine(new NvPublic(INDEX, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.AUTHREAD,
                NvAttributes.AUTHWRITE, NvAttributes.NO_DA), new byte[0], data.length), new byte[0]);
        try {
            tpm.nvWrite(INDEX, Authorization.emptyPassword(), data);
            assertArrayEquals(data, tpm.nvRead(INDEX, Authorization.emptyPassword()));
        } finally {
            tpm.nvUndefine(INDEX);
        }
        assertFalse(tpm.handles(TpmHt.NV_INDEX).contains(INDEX), "the index was removed again");
    }
}
