package io.tpm4j.api.files;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files tpm2-tools 5.4 and tpm2-pytss (tpm2-tss 3.2) wrote against swtpm, read field by field and written back byte
 * for byte; and damaged copies of them, refused with the field and the offset.
 */
class ToolsContextFileTest {

    @TempDir
    Path dir;

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = ToolsContextFileTest.class.getResourceAsStream("/tools-files/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aKeyTpm2LoadSavedCarriesTheTpmContextAndEsapisCopyOfItsPublicArea() throws IOException {
        byte[] bytes = fixture("key.ctx");
        ToolsContextFile.Saved file = assertInstanceOf(ToolsContextFile.Saved.class, ToolsContextFile.parse(bytes));
        PublicArea keyPub = PublicArea.readSized(new TpmReader(fixture("key.pub")));

        assertEquals(TpmRh.OWNER, file.context().hierarchy());
        assertEquals(0x80000000, file.context().savedHandle(), "the TPM's savedHandle for a transient object");
        assertEquals(keyPub, file.resource().publicArea().orElseThrow());
        assertArrayEquals(keyPub.name(), file.resource().name());
        assertTrue(file.context().contextBlob().length > 100, "the TPM's own, integrity-protected blob");
        assertArrayEquals(bytes, file.toBytes(), "written back as tpm2-tools wrote it");
    }

    @Test
    void aPolicySessionTpm2StartauthsessionSavedKeepsEsapisSessionState() throws IOException {
        byte[] bytes = fixture("policy-session.ctx");
        ToolsContextFile.SessionFile session = assertInstanceOf(ToolsContextFile.SessionFile.class,
                ToolsContextFile.parse(bytes));
        assertEquals(0x01, session.sessionType(), "TPM_SE_POLICY");
        assertEquals(TpmAlg.SHA256, session.authHash());
        ToolsContextFile.Saved file = session.saved();
        assertEquals(0x03000000, file.context().savedHandle() & 0xFF000000, "a policy session's handle");
        SessionState state = assertInstanceOf(SessionState.class, file.resource().details());
        assertEquals(TpmAlg.SHA256, state.authHash());
        assertEquals(0x01, state.sessionType(), "TPM_SE_POLICY");
        assertEquals(32, state.nonceTpm().length);
        assertEquals(false, state.hasSessionKey(), "tpm2_startauthsession without -c or --bind is unsalted");
        assertArrayEquals(bytes, session.toBytes());
    }

    @Test
    void aPersistentHandleTpm2EvictcontrolSerializedIsAnEsysTrBlob() throws IOException {
        byte[] bytes = fixture("persistent.ctx");
        ToolsContextFile.Serialized file = assertInstanceOf(ToolsContextFile.Serialized.class,
                ToolsContextFile.parse(bytes));
        assertEquals(0x81000010, file.resource().handle());
        PublicArea keyPub = PublicArea.readSized(new TpmReader(fixture("key.pub")));
        assertEquals(keyPub, file.resource().publicArea().orElseThrow());
        assertArrayEquals(bytes, file.toBytes());
        assertEquals(file.resource(), EsysResource.ofObject(0x81000010, keyPub));
    }

    @Test
    void nvIndexAndHierarchyBlobsFromPytssTrSerialize() throws IOException {
        byte[] nv = fixture("nv-index.tr");
        EsysResource index = EsysResource.parse(nv);
        NvPublic nvPublic = index.nvPublic().orElseThrow();
        assertEquals(0x01500020, nvPublic.nvIndex());
        assertEquals(8, nvPublic.dataSize());
        assertArrayEquals(nv, EsysResource.ofNvIndex(nvPublic).toBytes());

        byte[] owner = fixture("owner.tr");
        assertEquals(EsysResource.ofHandle(TpmRh.OWNER), EsysResource.parse(owner));
        assertArrayEquals(owner, EsysResource.ofHandle(TpmRh.OWNER).toBytes());
        assertThrows(IllegalArgumentException.class, () -> EsysResource.ofHandle(0x81000010));
    }

    @Test
    void writtenAndReadThroughAFile() throws IOException {
        ToolsContextFile file = ToolsContextFile.parse(fixture("key.ctx"));
        Path path = dir.resolve("copy.ctx");
        file.write(path);
        assertEquals(file, ToolsContextFile.read(path));
    }

    @Test
    void everyTruncationIsRefusedWithAnOffsetInsideTheFile() throws IOException {
        for (String name : new String[] {"key.ctx", "policy-session.ctx", "persistent.ctx", "nv-index.tr"}) {
            byte[] bytes = fixture(name);
            for (int length = 0; length < bytes.length; length++) {
                byte[] cut = Arrays.copyOf(bytes, length);
                TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> ToolsContextFile.parse(cut),
                        name + " cut to " + length);
                assertTrue(e.offset() >= 0 && e.offset() <= length, name + " cut to " + length + ": " + e.getMessage());
            }
        }
    }

    @Test
    void damagedFieldsAreNamed() throws IOException {
        byte[] key = fixture("key.ctx");

        byte[] version = key.clone();
        version[7] = 2;
        assertMessage(version, 11, "the saved context starts with 0x01800000");
        version[7] = 3;
        assertMessage(version, 4, "context file version 3 is neither 1 (saved context) nor 2 (session)");

        byte[] longBlob = key.clone();
        putU16(longBlob, 24, 0xFFFF);
        assertMessage(longBlob, 26, "TPMS_CONTEXT.contextBlob needs 65535 bytes");

        byte[] trailing = Arrays.copyOf(key, key.length + 1);
        assertMessage(trailing, key.length, "context file has 1 unexpected trailing bytes");

        byte[] hugeTpmBlob = key.clone();
        putU16(hugeTpmBlob, 26 + 4, 0x2000);
        assertMessage(hugeTpmBlob, 30, "IESYS_CONTEXT_DATA.tpmContext.size is 8192");

        byte[] persistent = fixture("persistent.ctx");
        byte[] badType = persistent.clone();
        int typeAt = 4 + 2 + 34;
        BigEndian.putU32(badType, typeAt, 7);
        assertMessage(badType, typeAt, "IESYS_RESOURCE.rsrcType is 7");

        byte[] forgedName = persistent.clone();
        forgedName[10] ^= 1;
        assertMessage(forgedName, 4, "is not the Name of the public area");
    }

    @Test
    void aSavedContextMustCarryMetadataOfItsKind() throws IOException {
        ToolsContextFile.Saved key = (ToolsContextFile.Saved) ToolsContextFile.parse(fixture("key.ctx"));
        ToolsContextFile.Saved session = ((ToolsContextFile.SessionFile) ToolsContextFile.parse(
                fixture("policy-session.ctx"))).saved();
        SavedContext sessionContext = session.context();
        assertThrows(IllegalArgumentException.class, () -> new ToolsContextFile.Saved(sessionContext, key.resource()));
        assertThrows(IllegalArgumentException.class, () -> new ToolsContextFile.Saved(key.context(), session.resource()));
        assertThrows(IllegalArgumentException.class, () -> new ToolsContextFile.SessionFile(1, TpmAlg.SHA256, key));
    }

    @Test
    void aFileTooLargeForAnyContextIsNotRead() throws IOException {
        Path big = dir.resolve("big.ctx");
        Files.write(big, new byte[ToolsContextFile.MAX_FILE_SIZE + 1]);
        TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> ToolsContextFile.read(big));
        assertTrue(e.getMessage().contains("larger than the 16384 bytes"), e.getMessage());
    }

    private static void putU16(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 8);
        bytes[at + 1] = (byte) value;
    }

    private static void assertMessage(byte[] bytes, int offset, String expected) {
        TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> ToolsContextFile.parse(bytes));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
    }
}
