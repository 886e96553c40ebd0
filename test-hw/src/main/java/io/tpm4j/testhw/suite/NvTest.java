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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** An NV index defined, written, read in chunks and undefined again, its data travelling encrypted. */
@ExtendWith(LeakCheck.class)
@Needs({Permission.OWNER, Permission.NV})
public class NvTest {

    private final Tpm tpm = SuiteContext.current().tpm();

    @Test
    @DisplayName("an ordinary NV index: define, write 1,500 bytes, read them back, undefine")
    void defineWriteReadUndefine() {
        int index = TestHandles.free(tpm, TpmHt.NV_INDEX, TestHandles.OWNER_NV);
        byte[] data = new byte[1500];
        new java.util.Random(7).nextBytes(data);
        tpm.nvDefine(new NvPublic(index, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.AUTHREAD,
                NvAttributes.AUTHWRITE, NvAttributes.NO_DA), new byte[0], data.length), new byte[0]);
        try {
            tpm.nvWrite(index, Authorization.emptyPassword(), data);
            assertArrayEquals(data, tpm.nvRead(index, Authorization.emptyPassword()));
        } finally {
            tpm.nvUndefine(index);
        }
        assertFalse(tpm.handles(TpmHt.NV_INDEX).contains(index), "the index was removed again");
    }
}
