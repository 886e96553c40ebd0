package io.tpm4j.api.wire;

import io.tpm4j.api.TpmProtocolException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TpmReaderTest {

    @Test
    void readsWhatTheWriterWrote() {
        byte[] bytes = new TpmWriter(1).u8(0xAB).u16(0xBEEF).u32(0xCAFEBABE).tpm2b(new byte[] {1, 2, 3}).toByteArray();
        TpmReader in = new TpmReader(bytes);
        assertEquals(0xAB, in.u8("a"));
        assertEquals(0xBEEF, in.u16("b"));
        assertEquals(0xCAFEBABE, in.u32("c"));
        assertArrayEquals(new byte[] {1, 2, 3}, in.tpm2b(64, "d"));
        in.expectEnd("test");
    }

    @Test
    void shortInputNamesTheFieldAndOffset() {
        TpmReader in = new TpmReader(new byte[] {0, 1, 2});
        in.u16("first");
        TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> in.u32("second"));
        assertEquals(2, e.offset());
        assertTrue(e.getMessage().contains("second needs 4 bytes but only 1 are left"), e.getMessage());
    }

    @Test
    void tpm2bLargerThanAllowedOrThanTheInputIsRefused() {
        TpmReader tooBig = new TpmReader(new TpmWriter().u16(65).bytes(new byte[65]).toByteArray());
        assertTrue(assertThrows(TpmProtocolException.class, () -> tooBig.tpm2b(64, "digest")).getMessage()
                .contains("digest.size is 65, more than the 64"));
        TpmReader truncated = new TpmReader(new TpmWriter().u16(30).bytes(new byte[4]).toByteArray());
        TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> truncated.tpm2b(64, "digest"));
        assertEquals(2, e.offset());
    }

    @Test
    void forgedCountsCannotSizeAnAllocation() {
        TpmReader huge = new TpmReader(new TpmWriter().u32(0xFFFFFFFF).toByteArray());
        assertThrows(TpmProtocolException.class, () -> huge.count(1000, 4, "TPML_HANDLE"));
        TpmReader tooManyForBytes = new TpmReader(new TpmWriter().u32(100).u32(1).toByteArray());
        TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> tooManyForBytes.count(1000, 4, "TPML_HANDLE"));
        assertTrue(e.getMessage().contains("only 4 bytes are left"), e.getMessage());
    }

    @Test
    void trailingBytesAreAnError() {
        TpmReader in = new TpmReader(new byte[] {1, 2});
        in.u8("x");
        assertThrows(TpmProtocolException.class, () -> in.expectEnd("thing"));
    }

    @Test
    void booleanMustBeZeroOrOne() {
        assertThrows(TpmProtocolException.class, () -> new TpmReader(new byte[] {2}).bool("moreData"));
    }
}
