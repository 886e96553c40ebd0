package io.tpm4j.jca.keyfile;

import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SymmetricDefinition;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.jca.der.DerWriter;
import io.tpm4j.jca.der.Pem;
import io.tpm4j.jca.keyfile.TssPrivateKey.TpmAuthPolicy;
import io.tpm4j.jca.keyfile.TssPrivateKey.TpmPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TPMKey encoding, field by field, and a clear KeyFileException for each way a file can be malformed. */
class TssPrivateKeyFormatTest {

    static final byte[] PRIVATE = HexFormat.of().parseHex("0020" + "11".repeat(32)).clone();

    static PublicArea eccPublic() {
        byte[] x = new byte[32];
        byte[] y = new byte[32];
        Arrays.fill(x, (byte) 7);
        Arrays.fill(y, (byte) 9);
        PublicArea t = Templates.eccSigningKey();
        return new PublicArea(t.nameAlg(), t.attributes(), t.authPolicy(), t.parameters(), new PublicId.Ecc(x, y));
    }

    static byte[] sized(byte[] contents) {
        return new TpmWriter().tpm2b(contents).toByteArray();
    }

    static byte[] pubkey() {
        return sized(eccPublic().toBytes());
    }

    /** Every field of the draft set. */
    static TssPrivateKey everything() {
        List<TpmPolicy> policy = List.of(new TpmPolicy(TpmCc.POLICY_AUTH_VALUE.value(), new byte[0]),
                new TpmPolicy(TpmCc.POLICY_COMMAND_CODE.value(), new TpmWriter().u32(TpmCc.SIGN.value()).toByteArray()));
        List<TpmAuthPolicy> auth = List.of(new TpmAuthPolicy(Optional.of("kernel 6.1"), policy),
                new TpmAuthPolicy(Optional.empty(), List.of(policy.get(1))));
        return new TssPrivateKey(TssPrivateKey.Type.IMPORTABLE, true, policy, new byte[] {1, 2, 3}, auth,
                Optional.of("everything, ünïcode too"), true, 0x81000001, eccPublic(), PRIVATE);
    }

    /** A TPMKey assembled from raw fields, for files tpm4j would never write. */
    static byte[] tpmKey(byte[]... fields) {
        return DerWriter.sequence(fields);
    }

    static byte[] loadableOid() {
        return DerWriter.oid("2.23.133.10.1.3");
    }

    static KeyFileException refused(byte[] der, String expectedInMessage) {
        KeyFileException e = assertThrows(KeyFileException.class, () -> TssPrivateKey.fromDer(der));
        assertTrue(e.getMessage().contains(expectedInMessage), "'" + e.getMessage() + "' should mention '"
                + expectedInMessage + "'");
        return e;
    }

    @Test
    void everyFieldRoundTripsThroughDerAndPem() throws Exception {
        TssPrivateKey key = everything();
        assertEquals(key, TssPrivateKey.fromDer(key.toDer()));
        String pem = key.toPem();
        assertTrue(pem.startsWith("-----BEGIN TSS2 PRIVATE KEY-----\n"), pem);
        assertTrue(pem.endsWith("-----END TSS2 PRIVATE KEY-----\n"), pem);
        assertEquals(key, TssPrivateKey.fromPem(pem));
        assertEquals(key, TssPrivateKey.fromPem("\r\n" + pem.replace("\n", "\r\n") + "\n\n"));
    }

    @Test
    void theMinimalFileIsExactlyWhatTpm2OpensslWrites() throws Exception {
        TssPrivateKey key = TssPrivateKey.loadable(TpmRh.OWNER, eccPublic(), new byte[] {5, 6}, true);
        byte[] expected = tpmKey(loadableOid(), DerWriter.explicit(0, DerWriter.bool(true)),
                DerWriter.integer(0x40000001L), DerWriter.octetString(pubkey()),
                DerWriter.octetString(new byte[] {0, 2, 5, 6}));
        assertArrayEquals(expected, key.toDer());
        // A key with a password says so with an explicit FALSE, as tpm2-openssl writes it: tpm2-openssl takes a
        // missing emptyAuth for TRUE and would use the key without its password (KeyStoreInteropTest).
        byte[] withPassword = tpmKey(loadableOid(), DerWriter.explicit(0, DerWriter.bool(false)),
                DerWriter.integer(0x40000001L), DerWriter.octetString(pubkey()),
                DerWriter.octetString(new byte[] {0, 2, 5, 6}));
        assertArrayEquals(withPassword, TssPrivateKey.loadable(TpmRh.OWNER, eccPublic(), new byte[] {5, 6}, false).toDer());
    }

    @Test
    void pytssTrueIsOneAndAFalseEmptyAuthAndParentZeroAreAccepted() throws Exception {
        byte[] trueAsOne = tpmKey(loadableOid(), DerWriter.explicit(0, new byte[] {1, 1, 1}), DerWriter.integer(0),
                DerWriter.octetString(pubkey()), DerWriter.octetString(sized(PRIVATE)));
        TssPrivateKey key = TssPrivateKey.fromDer(trueAsOne);
        assertTrue(key.emptyAuth());
        assertEquals(TpmRh.OWNER, key.parent(), "tpm2-openssl reads parent 0 as the owner hierarchy");
        byte[] explicitFalse = tpmKey(loadableOid(), DerWriter.explicit(0, DerWriter.bool(false)),
                DerWriter.integer(0x81000001L), DerWriter.octetString(pubkey()), DerWriter.octetString(sized(PRIVATE)));
        assertFalse(TssPrivateKey.fromDer(explicitFalse).emptyAuth());
        assertEquals(0x81000001, TssPrivateKey.fromDer(explicitFalse).parent());
    }

    @Test
    void theWrongPemLabelTextAroundTheBlockAndBadBase64AreRefused() {
        String pem = everything().toPem();
        assertThrows(KeyFileException.class, () -> TssPrivateKey.fromPem(pem.replace("TSS2 PRIVATE KEY", "PRIVATE KEY")),
                "the label 'PRIVATE KEY'");
        KeyFileException label = assertThrows(KeyFileException.class,
                () -> TssPrivateKey.fromPem(pem.replace("TSS2 PRIVATE KEY", "PRIVATE KEY")));
        assertTrue(label.getMessage().contains("expected 'TSS2 PRIVATE KEY'"), label.getMessage());
        assertThrows(KeyFileException.class, () -> TssPrivateKey.fromPem(pem + "trailing text"));
        assertThrows(KeyFileException.class, () -> TssPrivateKey.fromPem("leading text\n" + pem));
        assertThrows(KeyFileException.class, () -> TssPrivateKey.fromPem(pem + pem), "two blocks");
        assertThrows(KeyFileException.class, () -> TssPrivateKey.fromPem(pem.replaceFirst("\n[A-Za-z]", "\n*")));
        assertThrows(KeyFileException.class, () -> TssPrivateKey.fromPem(""));
        assertThrows(KeyFileException.class,
                () -> TssPrivateKey.fromPem(Pem.encode("TSS2 PRIVATE KEY", new byte[200_000])), "too long");
    }

    @Test
    void trailingBytesAfterTheKeyOrAfterItsLastFieldAreRefused() {
        byte[] der = everything().toDer();
        byte[] trailing = Arrays.copyOf(der, der.length + 2);
        refused(trailing, "after the TPMKey SEQUENCE");
        byte[] extraField = tpmKey(loadableOid(), DerWriter.integer(0x40000001L), DerWriter.octetString(pubkey()),
                DerWriter.octetString(sized(PRIVATE)), DerWriter.nul());
        refused(extraField, "unexpected bytes after its last field");
    }

    @Test
    void anUnknownTypeOidIsRefusedByName() {
        KeyFileException e = refused(tpmKey(DerWriter.oid("2.23.133.10.1.9"), DerWriter.integer(0x40000001L),
                DerWriter.octetString(pubkey()), DerWriter.octetString(sized(PRIVATE))), "TPMKey.type 2.23.133.10.1.9");
        assertEquals(3, e.offset(), "the OID follows the SEQUENCE tag and its two length bytes");
        refused(tpmKey(DerWriter.integer(1)), "TPMKey.type: expected an OBJECT IDENTIFIER");
    }

    @Test
    void oversizedFieldsAreRefusedBeforeTheyAreCopied() {
        refused(tpmKey(loadableOid(), DerWriter.integer(0x40000001L), DerWriter.octetString(new byte[5000]),
                DerWriter.octetString(sized(PRIVATE))), "TPMKey.pubkey: 5000 bytes, more than the");
        refused(tpmKey(loadableOid(), DerWriter.integer(0x40000001L), DerWriter.octetString(pubkey()),
                DerWriter.octetString(new byte[9000])), "TPMKey.privkey: 9000 bytes");
        refused(tpmKey(loadableOid(), DerWriter.explicit(4, DerWriter.utf8String("x".repeat(2000))),
                DerWriter.integer(0x40000001L), DerWriter.octetString(pubkey()), DerWriter.octetString(sized(PRIVATE))),
                "TPMKey.description: 2000 bytes");
        byte[] huge = new byte[TssPrivateKey.MAX_FILE_BYTES + 1];
        huge[0] = 0x30;
        assertThrows(KeyFileException.class, () -> TssPrivateKey.fromDer(huge));
    }

    @Test
    void aPubkeyThatIsNoTpm2bPublicIsRefusedWithTheTpmReason() {
        refused(tpmKey(loadableOid(), DerWriter.integer(0x40000001L), DerWriter.octetString(new byte[] {0, 4, 1, 2, 3, 4}),
                DerWriter.octetString(sized(PRIVATE))), "TPMKey.pubkey is not a TPM2B_PUBLIC");
        byte[] trailing = Arrays.copyOf(pubkey(), pubkey().length + 1);
        refused(tpmKey(loadableOid(), DerWriter.integer(0x40000001L), DerWriter.octetString(trailing),
                DerWriter.octetString(sized(PRIVATE))), "TPMKey.pubkey");
    }

    @Test
    void aPrivkeyOrSecretWhoseSizeDisagreesWithItsLengthIsRefused() {
        refused(tpmKey(loadableOid(), DerWriter.integer(0x40000001L), DerWriter.octetString(pubkey()),
                DerWriter.octetString(new byte[] {0, 9, 1, 2})), "TPMKey.privkey (TPM2B_PRIVATE): its size says 9 bytes, 2 follow");
        refused(tpmKey(DerWriter.oid("2.23.133.10.1.4"), DerWriter.explicit(2, DerWriter.octetString(new byte[] {0, 3})),
                DerWriter.integer(0x40000001L), DerWriter.octetString(pubkey()), DerWriter.octetString(sized(PRIVATE))),
                "TPMKey.secret (TPM2B_ENCRYPTED_SECRET)");
    }

    @Test
    void aSecretOnlyBelongsToAnImportableKey() {
        refused(tpmKey(DerWriter.oid("2.23.133.10.1.4"), DerWriter.integer(0x40000001L), DerWriter.octetString(pubkey()),
                DerWriter.octetString(sized(PRIVATE))), "an importable key needs one");
        refused(tpmKey(loadableOid(), DerWriter.explicit(2, DerWriter.octetString(sized(new byte[] {1}))),
                DerWriter.integer(0x40000001L), DerWriter.octetString(pubkey()), DerWriter.octetString(sized(PRIVATE))),
                "only an importable key has one");
    }

    @Test
    void aParentThatIsNoHandleIsRefused() {
        for (long parent : new long[] {-1, 0x1_0000_0000L, 0x01000001L, 0x02000000L}) {
            refused(tpmKey(loadableOid(), DerWriter.integer(parent), DerWriter.octetString(pubkey()),
                    DerWriter.octetString(sized(PRIVATE))), "TPMKey.parent");
        }
    }

    @Test
    void lengthsThatLieAreRefused() {
        byte[] der = everything().toDer();
        refused(Arrays.copyOf(der, der.length - 1), "exceeds");
        byte[] indefinite = der.clone();
        indefinite[1] = (byte) 0x80;
        refused(indefinite, "indefinite length");
        byte[] nonMinimal = tpmKey(loadableOid());
        byte[] padded = new byte[nonMinimal.length + 1];
        padded[0] = 0x30;
        padded[1] = (byte) 0x81;
        System.arraycopy(nonMinimal, 1, padded, 2, nonMinimal.length - 1);
        refused(padded, "shortest form");
    }

    @Test
    void outOfOrderOrUnknownOptionalFieldsAreRefused() {
        refused(tpmKey(loadableOid(), DerWriter.explicit(5, DerWriter.bool(true)),
                DerWriter.explicit(0, DerWriter.bool(true)), DerWriter.integer(0x40000001L),
                DerWriter.octetString(pubkey()), DerWriter.octetString(sized(PRIVATE))), "TPMKey.parent: expected an INTEGER");
        refused(tpmKey(loadableOid(), DerWriter.explicit(9, DerWriter.bool(true)), DerWriter.integer(0x40000001L),
                DerWriter.octetString(pubkey()), DerWriter.octetString(sized(PRIVATE))), "found tag 0xa9");
    }

    @Test
    void writesTheFileForItsOwnerOnlyAndReadsPemOrDer(@TempDir Path dir) throws Exception {
        TssPrivateKey key = everything();
        Path pem = dir.resolve("key.pem");
        key.write(pem);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pem)));
        assertEquals(key, TssPrivateKey.read(pem));
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> key.write(pem), "never overwrites a key");
        Path der = dir.resolve("key.der");
        Files.write(der, key.toDer());
        assertEquals(key, TssPrivateKey.read(der));
    }

    @Test
    void theRecordRefusesWhatTheFormatForbids() {
        PublicArea rsa = new PublicArea(TpmAlg.SHA256, new ObjectAttributes(0), new byte[0],
                new PublicParameters.Rsa(SymmetricDefinition.NULL, Scheme.NULL, 2048, 0), new PublicId.Rsa(new byte[256]));
        assertThrows(IllegalArgumentException.class, () -> TssPrivateKey.loadable(0x01000000, rsa, PRIVATE, true));
        assertThrows(IllegalArgumentException.class, () -> TssPrivateKey.importable(TpmRh.OWNER, rsa, PRIVATE,
                new byte[0], true));
        assertThrows(IllegalArgumentException.class, () -> TssPrivateKey.loadable(TpmRh.OWNER, rsa, new byte[4096], true));
        List<TpmPolicy> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add(new TpmPolicy(i, new byte[0]));
        }
        assertThrows(IllegalArgumentException.class,
                () -> TssPrivateKey.loadable(TpmRh.OWNER, rsa, PRIVATE, true).withPolicy(many));
    }
}
