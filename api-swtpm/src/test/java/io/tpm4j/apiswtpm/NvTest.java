package io.tpm4j.apiswtpm;

import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.Names;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NV indices on swtpm: ordinary, counter and extend indices, their Names, and cleanup of every index defined. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NvTest extends WithSharedTpm {

    private static final Authorization PASSWORD = Authorization.password("nv secret".getBytes());
    private final List<Integer> defined = new ArrayList<>();

    @AfterEach
    void undefineEverything() {
        for (int index : defined) {
            tpm.nvUndefine(index);
        }
        assertEquals(List.of(), tpm.handles(TpmHt.NV_INDEX));
    }

    private NvPublic define(int index, NvAttributes.Type type, int size) {
        NvPublic nv = new NvPublic(index, TpmAlg.SHA256, NvAttributes.of(type, NvAttributes.AUTHREAD,
                NvAttributes.AUTHWRITE, NvAttributes.NO_DA), new byte[0], size);
        tpm.nvDefine(nv, "nv secret".getBytes());
        defined.add(index);
        return nv;
    }

    @Test
    void ordinaryIndexInSeveralChunksAndItsName() {
        NvPublic nv = define(0x01500010, NvAttributes.Type.ORDINARY, 1500);
        byte[] data = new byte[1500];
        new Random(7).nextBytes(data);
        tpm.nvWrite(nv.nvIndex(), PASSWORD, data);
        assertArrayEquals(data, tpm.nvRead(nv.nvIndex(), PASSWORD));
        var read = tpm.nvReadPublic(nv.nvIndex());
        assertTrue(read.nvPublic().attributes().has(NvAttributes.WRITTEN));
        // The Name changes once written (TPMA_NV_WRITTEN); Java computes the same as the TPM.
        assertArrayEquals(read.nvPublic().name(), read.nvName());
        assertArrayEquals(Names.of(TpmAlg.SHA256, read.nvPublic().toBytes()), read.nvName());
    }

    @Test
    void counterAndExtendIndices() throws Exception {
        int counter = define(0x01500011, NvAttributes.Type.COUNTER, 8).nvIndex();
        tpm.nvIncrement(counter, PASSWORD);
        long first = java.nio.ByteBuffer.wrap(tpm.nvRead(counter, PASSWORD)).getLong();
        tpm.nvIncrement(counter, PASSWORD);
        assertEquals(first + 1, java.nio.ByteBuffer.wrap(tpm.nvRead(counter, PASSWORD)).getLong());

        int extend = define(0x01500012, NvAttributes.Type.EXTEND, 32).nvIndex();
        tpm.nvExtend(extend, PASSWORD, "event".getBytes());
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(new byte[32]);
        sha256.update("event".getBytes());
        assertArrayEquals(sha256.digest(), tpm.nvRead(extend, PASSWORD));
    }

    @Test
    void wrongPasswordAndUnwrittenIndexAreDecoded() {
        int index = define(0x01500013, NvAttributes.Type.ORDINARY, 16).nvIndex();
        TpmResponseException unwritten = assertThrows(TpmResponseException.class, () -> tpm.nvRead(index, PASSWORD));
        assertTrue(unwritten.is(TpmRc.NV_UNINITIALIZED), unwritten.getMessage());
        TpmResponseException wrong = assertThrows(TpmResponseException.class,
                () -> tpm.nvWrite(index, Authorization.password("guess".getBytes()), new byte[16]));
        assertTrue(wrong.is(TpmRc.AUTH_FAIL) || wrong.is(TpmRc.BAD_AUTH), wrong.getMessage());
        TpmResponseException twice = assertThrows(TpmResponseException.class,
                () -> tpm.nvDefine(tpm.nvReadPublic(index).nvPublic(), new byte[0]));
        assertTrue(twice.is(TpmRc.NV_DEFINED), twice.getMessage());
    }
}
