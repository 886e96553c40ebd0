package io.tpm4j.jca.der;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DER reader and writer against known encodings (X.690 examples and what OpenSSL writes). */
class DerTest {

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    @Test
    void objectIdentifiersEncodeAndDecodeAsX690Says() throws Exception {
        assertArrayEquals(hex("0606678105 0a0103".replace(" ", "")), DerWriter.oid("2.23.133.10.1.3"));
        assertArrayEquals(hex("06092a864886f70d01090e"), DerWriter.oid("1.2.840.113549.1.9.14"));
        for (String oid : new String[] {"2.23.133.10.1.5", "1.2.840.10045.4.3.2", "2.999.1", "0.0", "1.3.6.1.5.5.7.3.1"}) {
            assertEquals(oid, new DerReader(DerWriter.oid(oid)).oid("oid"));
        }
        assertThrows(IllegalArgumentException.class, () -> DerWriter.oid("1.40"));
        assertThrows(IllegalArgumentException.class, () -> DerWriter.oid("3.1"));
        assertThrows(DerException.class, () -> new DerReader(hex("0602 2a80".replace(" ", ""))).oid("oid"),
                "ends inside an arc");
        assertThrows(DerException.class, () -> new DerReader(hex("0603 2a8001".replace(" ", ""))).oid("oid"),
                "non-minimal arc");
    }

    @Test
    void integersAreShortestTwosComplement() throws Exception {
        assertArrayEquals(hex("020500810000 01".replace(" ", "")), DerWriter.uint32(0x81000001));
        assertEquals(0x81000001, new DerReader(DerWriter.uint32(0x81000001)).uint32("h"));
        assertEquals(BigInteger.valueOf(-1), new DerReader(hex("0201ff")).integer("i"));
        assertThrows(DerException.class, () -> new DerReader(hex("02020001")).integer("i"));
        assertThrows(DerException.class, () -> new DerReader(hex("0200")).integer("i"));
        assertThrows(DerException.class, () -> new DerReader(hex("0201ff")).uint32("h"));
    }

    @Test
    void lengthsAreDefiniteShortestAndWithinTheEnclosingElement() throws Exception {
        byte[] big = DerWriter.octetString(new byte[300]);
        assertArrayEquals(hex("04820 12c".replace(" ", "")), java.util.Arrays.copyOf(big, 4));
        assertEquals(300, new DerReader(big).octetString(300, "o").length);
        DerException tooBig = assertThrows(DerException.class, () -> new DerReader(big).octetString(299, "field"));
        assertTrue(tooBig.getMessage().contains("field: 300 bytes, more than the 299 allowed"), tooBig.getMessage());
        assertThrows(DerException.class, () -> new DerReader(hex("0481 05 0102030405".replace(" ", ""))).octetString(9, "o"));
        assertThrows(DerException.class, () -> new DerReader(hex("0485 0000000001 00".replace(" ", ""))).octetString(9, "o"));
        DerException past = assertThrows(DerException.class,
                () -> new DerReader(hex("3003 0405 00".replace(" ", ""))).sequence("s").octetString(9, "inner"));
        assertEquals(2, past.offset());
    }

    @Test
    void nestingIsBounded() throws Exception {
        byte[] nested = DerWriter.nul();
        for (int i = 0; i < DerReader.MAX_DEPTH + 2; i++) {
            nested = DerWriter.sequence(nested);
        }
        DerReader r = new DerReader(nested);
        DerException deep = null;
        for (int i = 0; i < DerReader.MAX_DEPTH + 2 && deep == null; i++) {
            try {
                r = r.sequence("level " + i);
            } catch (DerException e) {
                deep = e;
            }
        }
        assertTrue(deep != null && deep.getMessage().contains("nested deeper than"), String.valueOf(deep));
    }

    @Test
    void namedBitStringsDropTrailingZeroBits() {
        assertArrayEquals(hex("03020780"), DerWriter.namedBits(0));
        assertArrayEquals(hex("03020388"), DerWriter.namedBits(0, 4));
        assertArrayEquals(hex("0303070080"), DerWriter.namedBits(8));
        assertArrayEquals(hex("030100"), DerWriter.namedBits());
    }

    @Test
    void setOfIsSortedAndBooleansAndStringsReadBack() throws Exception {
        assertArrayEquals(hex("3106 020101 020102".replace(" ", "")),
                DerWriter.setOf(DerWriter.integer(2), DerWriter.integer(1)));
        assertTrue(new DerReader(DerWriter.bool(true)).bool("b"));
        assertFalse(new DerReader(DerWriter.bool(false)).bool("b"));
        assertEquals("grüße", new DerReader(DerWriter.utf8String("grüße")).utf8String(20, "s"));
        assertThrows(DerException.class, () -> new DerReader(hex("0c01ff")).utf8String(5, "s"));
        DerReader trailing = new DerReader(hex("050000"));
        trailing.nul("n");
        assertThrows(DerException.class, () -> trailing.expectEnd("x"));
    }

    @Test
    void pemIsStrict() throws Exception {
        String pem = Pem.encode("TEST", new byte[100]);
        assertEquals(100, Pem.decode(pem, "TEST", 1000).length);
        assertThrows(DerException.class, () -> Pem.decode(pem, "OTHER", 1000));
        assertThrows(DerException.class, () -> Pem.decode(pem.replace("-----\n", "-----\nProc-Type: 4,ENCRYPTED\n"),
                "TEST", 1000));
        assertThrows(DerException.class, () -> Pem.decode(pem + "x", "TEST", 1000));
    }
}
