package io.tpm4j.api.types;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PcrSelectionTest {

    @Test
    void marshalsAsTheSpecSays() {
        TpmWriter out = new TpmWriter();
        PcrSelection.of(TpmAlg.SHA256, 0, 7, 16).write(out);
        // hash 0x000B, sizeofSelect 3, bit 0 and 7 of byte 0, bit 0 of byte 2.
        assertArrayEquals(new byte[] {0, 0x0B, 3, (byte) 0x81, 0, 1}, out.toByteArray());
    }

    @Test
    void roundTrips() {
        List<PcrSelection> list = List.of(PcrSelection.of(TpmAlg.SHA1, 1, 2), PcrSelection.of(TpmAlg.SHA384, 23, 30));
        TpmWriter out = new TpmWriter();
        PcrSelection.writeList(out, list);
        List<PcrSelection> back = PcrSelection.readList(new TpmReader(out.toByteArray()));
        assertEquals(list, back);
        assertEquals(List.of(23, 30), back.get(1).indices());
        assertEquals(4, back.get(1).sizeOfSelect());
    }

    @Test
    void rejectsOversizedSelectFromTheWire() {
        byte[] bad = new TpmWriter().u16(0x0B).u8(200).toByteArray();
        assertThrows(TpmProtocolException.class, () -> PcrSelection.read(new TpmReader(bad)));
    }

    @Test
    void printsRanges() {
        assertEquals("sha256:0-23", PcrSelection.of(TpmAlg.SHA256, java.util.stream.IntStream.range(0, 24).toArray()).toString());
        assertEquals("sha1:0,2,4-7", PcrSelection.of(TpmAlg.SHA1, 0, 2, 4, 5, 6, 7).toString());
        assertEquals("sha384:", PcrSelection.of(TpmAlg.SHA384).toString());
    }

    @Test
    void rejectsImpossiblePcrIndices() {
        assertThrows(IllegalArgumentException.class, () -> PcrSelection.of(TpmAlg.SHA256, -1));
        assertThrows(IllegalArgumentException.class, () -> PcrSelection.of(TpmAlg.SHA256, 256));
    }
}
