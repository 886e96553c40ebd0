package io.tpm4j.api.commands;

import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static io.tpm4j.api.commands.Parameter.bool;
import static io.tpm4j.api.commands.Parameter.emptyBuffer;
import static io.tpm4j.api.commands.Parameter.list;
import static io.tpm4j.api.commands.Parameter.sized;
import static io.tpm4j.api.commands.Parameter.structure;
import static io.tpm4j.api.commands.Parameter.u16;
import static io.tpm4j.api.commands.Parameter.u32;
import static io.tpm4j.api.commands.Parameter.u64;
import static io.tpm4j.api.commands.Parameter.u8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of parameter marshals as Part 2 says, and says whether it is a TPM2B. */
class ParameterTest {

    private static String hex(Parameter parameter) {
        TpmWriter out = new TpmWriter();
        parameter.write(out);
        return HexFormat.of().formatHex(out.toByteArray());
    }

    private static String hex(java.util.function.Consumer<TpmWriter> writer) {
        TpmWriter out = new TpmWriter();
        writer.accept(out);
        return HexFormat.of().formatHex(out.toByteArray());
    }

    @Test
    void numbersAreBigEndianOfTheirWidth() {
        assertEquals("fe", hex(u8(0xFE)));
        assertEquals("01", hex(bool(true)));
        assertEquals("00", hex(bool(false)));
        assertEquals("0102", hex(u16(0x0102)));
        assertEquals("80000001", hex(u32(0x80000001)));
        assertEquals("0102030405060708", hex(u64(0x0102030405060708L)));
        for (Parameter number : List.of(u8(1), u16(1), u32(1), u64(1), bool(true))) {
            assertFalse(number.sized(), number.toString());
        }
    }

    @Test
    void aTpm2bIsItsSizeThenItsBytes() {
        assertEquals("0003aabbcc", hex(sized(new byte[] {(byte) 0xAA, (byte) 0xBB, (byte) 0xCC})));
        assertEquals("0000", hex(emptyBuffer()));
        assertTrue(sized(new byte[1]).sized());
        assertTrue(emptyBuffer().sized());
        assertThrows(IllegalArgumentException.class, () -> hex(sized(new byte[0x10000])));
    }

    /** TPM2B_PUBLIC, TPM2B_SENSITIVE_CREATE, TPM2B_NV_PUBLIC and TPM2B_ECC_POINT as their types write them. */
    @Test
    void sizedStructuresMatchTheirTypesOwnTpm2bWriters() {
        PublicArea area = Templates.rsaSigningKey();
        SensitiveCreate sensitive = new SensitiveCreate(new byte[] {1, 2}, new byte[] {3});
        NvPublic nvPublic = new NvPublic(0x01500001, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.COUNTER),
                new byte[0], 8);
        assertEquals(hex(area::writeSized), hex(sized(area)));
        assertEquals(hex(sensitive::writeSized), hex(sized(sensitive)));
        assertEquals("0007" + "0002" + "0102" + "0001" + "03", hex(sized(sensitive)));
        assertEquals(hex(nvPublic::writeSized), hex(sized(nvPublic)));
        assertEquals("0008" + "0002" + "0a0b" + "0002" + "0c0d",
                hex(sized(new PublicId.Ecc(new byte[] {10, 11}, new byte[] {12, 13}))));
        assertEquals("0004" + "0000" + "0000", hex(sized(EccPoints.EMPTY)));
        for (Parameter parameter : List.of(sized(area), sized(sensitive), sized(nvPublic), sized(EccPoints.EMPTY))) {
            assertTrue(parameter.sized(), parameter.toString());
        }
    }

    @Test
    void aSizedStructureOverTheTpm2bLimitIsRefused() {
        PublicId.Ecc huge = new PublicId.Ecc(new byte[0x8000], new byte[0x8000]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hex(sized(huge)));
        assertEquals("a TPM2B holds at most 65535 bytes, not 65540", e.getMessage());
    }

    @Test
    void aStructureIsWrittenByItsOwnWriterAndIsNotSized() {
        Parameter structure = structure(out -> out.u16(0x0010).tpm2b(new byte[] {5}));
        assertEquals("0010" + "0001" + "05", hex(structure));
        assertFalse(structure.sized());
    }

    @Test
    void aListIsItsCountThenItsElements() {
        Parameter digests = list(List.of(new byte[] {1}, new byte[] {2, 3}), Parameter::sized);
        assertEquals("00000002" + "000101" + "00020203", hex(digests));
        assertEquals("00000000", hex(list(List.<Integer>of(), Parameter::u16)));
        assertFalse(digests.sized(), "a TPML_ is not a TPM2B, even of TPM2Bs");
    }

    @Test
    void aSizedParameterNeverShowsItsBytes() {
        assertEquals("Sized[3 bytes]", sized(new byte[] {1, 2, 3}).toString());
    }
}
