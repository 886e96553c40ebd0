package io.tpm4j.api.wire;

import io.tpm4j.api.TpmProtocolException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TpmHeaderTest {

    @Test
    void validResponse() {
        TpmHeader h = TpmHeader.ofResponse(new TpmWriter().u16(0x8001).u32(10).u32(0x922).toByteArray());
        assertEquals(new TpmHeader(0x8001, 10, 0x922), h);
    }

    @Test
    void responseShorterThanAHeader() {
        TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> TpmHeader.ofResponse(new byte[9]));
        assertTrue(e.getMessage().contains("shorter than the 10-byte TPM header"));
    }

    @Test
    void responseSizeFieldMustMatch() {
        byte[] r = new TpmWriter().u16(0x8001).u32(12).u32(0).toByteArray();
        assertTrue(assertThrows(TpmProtocolException.class, () -> TpmHeader.ofResponse(r)).getMessage()
                .contains("says 12 bytes but 10 were received"));
    }

    @Test
    void responseTagMustBeATpmStTag() {
        byte[] r = new TpmWriter().u16(0x4141).u32(10).u32(0).toByteArray();
        assertEquals(0, assertThrows(TpmProtocolException.class, () -> TpmHeader.ofResponse(r)).offset());
        // A TPM answers a TPM 1.2 command with TPM_ST_RSP_COMMAND: that is a valid frame.
        TpmHeader.ofResponse(new TpmWriter().u16(TpmHeader.ST_RSP_COMMAND).u32(10).u32(0x1E).toByteArray());
    }

    @Test
    void commandChecks() {
        assertThrows(IllegalArgumentException.class, () -> TpmHeader.ofCommand(new byte[3]));
        assertThrows(IllegalArgumentException.class,
                () -> TpmHeader.ofCommand(new TpmWriter().u16(0x8001).u32(99).u32(0x17B).toByteArray()));
        assertEquals(0x17B, TpmHeader.ofCommand(new TpmWriter().u16(0x8001).u32(10).u32(0x17B).toByteArray()).code());
    }

    @Test
    void declaredSizeNeedsSixBytes() {
        byte[] r = new TpmWriter().u16(0x8001).u32(0x1234).toByteArray();
        assertEquals(-1, TpmHeader.declaredSize(r, 5));
        assertEquals(0x1234, TpmHeader.declaredSize(r, 6));
    }
}
