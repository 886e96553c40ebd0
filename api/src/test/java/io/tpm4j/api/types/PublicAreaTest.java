package io.tpm4j.api.types;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PublicAreaTest {

    @Test
    void eccSrkTemplateMarshalsAsTheProvisioningGuidanceSays() {
        // type ECC, nameAlg SHA-256, attributes 0x00030472, empty policy, AES-128-CFB, NULL scheme, P-256,
        // NULL kdf, x and y of 32 zero bytes.
        String expected = "0023" + "000b" + "00030472" + "0000" + "0006" + "0080" + "0043" + "0010" + "0003" + "0010"
                + "0020" + "00".repeat(32) + "0020" + "00".repeat(32);
        assertEquals(expected, HexFormat.of().formatHex(Templates.srkEccP256().toBytes()));
    }

    @Test
    void everyKindRoundTrips() {
        PublicArea[] areas = {
            Templates.srkEccP256(),
            Templates.srkRsa2048(),
            new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.SIGN_ENCRYPT), new byte[32],
                    new PublicParameters.KeyedHash(Scheme.of(TpmAlg.HMAC, TpmAlg.SHA256)), new PublicId.Digest(new byte[0])),
            new PublicArea(TpmAlg.SHA1, ObjectAttributes.of(ObjectAttributes.DECRYPT), new byte[0],
                    new PublicParameters.SymCipher(SymmetricDefinition.AES_256_CFB), new PublicId.Digest(new byte[20])),
            new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.SIGN_ENCRYPT), new byte[0],
                    new PublicParameters.Ecc(SymmetricDefinition.NULL, new Scheme(TpmAlg.ECDAA.value(), TpmAlg.SHA256.value(), 7),
                            Templates.ECC_NIST_P256, Scheme.NULL), new PublicId.Ecc(new byte[32], new byte[32])),
            new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(0), new byte[0],
                    new PublicParameters.KeyedHash(new Scheme(TpmAlg.XOR.value(), TpmAlg.SHA256.value(), TpmAlg.KDF1_SP800_108.value())),
                    new PublicId.Digest(new byte[0])),
        };
        for (PublicArea area : areas) {
            TpmWriter out = new TpmWriter();
            area.writeSized(out);
            TpmReader in = new TpmReader(out.toByteArray());
            assertEquals(area, PublicArea.readSized(in));
            in.expectEnd("round trip");
        }
    }

    @Test
    void nameIsNameAlgThenTheDigestOfThePublicArea() throws Exception {
        PublicArea srk = Templates.srkEccP256();
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(srk.toBytes());
        byte[] name = srk.name();
        assertEquals(34, name.length);
        assertEquals(0x000b, ((name[0] & 0xff) << 8) | (name[1] & 0xff));
        assertArrayEquals(digest, java.util.Arrays.copyOfRange(name, 2, 34));
    }

    @Test
    void hostileSizesAndSelectors() {
        byte[] inner = Templates.srkEccP256().toBytes();
        byte[] tooLong = new TpmWriter().u16(inner.length + 5).bytes(inner).toByteArray();
        assertThrows(TpmProtocolException.class, () -> PublicArea.readSized(new TpmReader(tooLong)));
        byte[] trailing = new TpmWriter().u16(inner.length + 1).bytes(inner).u8(0).toByteArray();
        assertThrows(TpmProtocolException.class, () -> PublicArea.readSized(new TpmReader(trailing)));
        byte[] badType = inner.clone();
        badType[1] = 0x0B;
        TpmProtocolException e = assertThrows(TpmProtocolException.class,
                () -> PublicArea.readSized(new TpmReader(new TpmWriter().tpm2b(badType).toByteArray())));
        assertEquals(2, e.offset());
    }

    @Test
    void uniqueMustMatchTheType() {
        assertThrows(IllegalArgumentException.class, () -> new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(0),
                new byte[0], new PublicParameters.KeyedHash(Scheme.NULL), new PublicId.Rsa(new byte[0])));
    }
}
