package io.tpm4j.api.files;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A tpm2-tools context file ({@code -c key.ctx}, {@code -S session.ctx}), in one of the three forms tpm2-tools 5
 * writes and tells apart by the header:
 * <ul>
 * <li>{@link Saved}: a saved transient object or session ({@code tpm2_createprimary -c}, {@code tpm2_load -c},
 * {@code tpm2_evictcontrol}'s input): the magic 0xBADCC0DE, version 1, then the TPMS_CONTEXT fields in the order
 * hierarchy (u32), savedHandle (u32), sequence (u64), contextBlob (u16 size and bytes). The blob is ESAPI's, not the
 * TPM's: a reserved u32, the TPM's own context blob (TPM2B_CONTEXT_DATA), then ESAPI's metadata (a u16 that ESAPI
 * writes as 0 and never reads, and an {@link EsysResource}).</li>
 * <li>{@link SessionFile}: a session ({@code tpm2_startauthsession -S}): the magic, version 2, the session type
 * (u8) and hash algorithm (u16), then the session's context as a whole {@link Saved} file.</li>
 * <li>{@link Serialized}: anything else is an Esys_TR_Serialize blob, which tpm2-tools writes for persistent
 * handles ({@code tpm2_evictcontrol -o}, {@code tpm2_readpublic -t}).</li>
 * </ul>
 * Parsing is bounded by the bytes given; every problem is a {@link TpmProtocolException} with its byte offset.
 */
public sealed interface ToolsContextFile permits ToolsContextFile.Saved, ToolsContextFile.SessionFile,
        ToolsContextFile.Serialized {

    /** tpm2-tools' file header magic. */
    int MAGIC = 0xBADCC0DE;
    /** The version of a saved context file. */
    int VERSION = 1;
    /** The version of a session file. */
    int SESSION_VERSION = 2;
    /** No context file comes near this: a TPM context blob is at most 5120 bytes, ESAPI's metadata far less. */
    int MAX_FILE_SIZE = 16 * 1024;

    /** What ESAPI knows of the entity: handle, Name, and public area or session state. */
    EsysResource resource();

    /** The file's bytes, as tpm2-tools writes them. */
    byte[] toBytes();

    default void write(Path file) throws IOException {
        Files.write(file, toBytes());
    }

    /**
     * A saved transient object or session: the TPM's context, ready for TPM2_ContextLoad, and ESAPI's metadata.
     */
    record Saved(SavedContext context, EsysResource resource) implements ToolsContextFile {

        public Saved {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(resource, "resource");
            boolean session = resource.details() instanceof SessionState;
            if (session != (TpmHt.HMAC_SESSION.contains(context.savedHandle())
                    || TpmHt.POLICY_SESSION.contains(context.savedHandle()))) {
                throw new IllegalArgumentException(String.format("a context saved from handle 0x%08x cannot carry %s",
                        context.savedHandle(), resource));
            }
        }

        @Override
        public byte[] toBytes() {
            TpmWriter blob = new TpmWriter(context.contextBlob().length + 512);
            // ESAPI writes the metadata's size as 0 and ignores it on reading: so do we.
            blob.u32(0).tpm2b(context.contextBlob()).u16(0);
            resource.write(blob);
            return new TpmWriter(blob.size() + 26).u32(MAGIC).u32(VERSION).u32(context.hierarchy())
                    .u32(context.savedHandle()).u64(context.sequence()).tpm2b(blob.toByteArray()).toByteArray();
        }
    }

    /**
     * A session as tpm2-tools keeps it: its type (TPM_SE) and hash algorithm, which tpm2-tools reads from here, and
     * its saved context.
     */
    record SessionFile(int sessionType, TpmAlg authHash, Saved saved) implements ToolsContextFile {

        public SessionFile {
            Objects.requireNonNull(authHash, "authHash");
            Objects.requireNonNull(saved, "saved");
            if (!(saved.resource().details() instanceof SessionState)) {
                throw new IllegalArgumentException("a session file cannot hold " + saved.resource());
            }
        }

        @Override
        public EsysResource resource() {
            return saved.resource();
        }

        @Override
        public byte[] toBytes() {
            return new TpmWriter().u32(MAGIC).u32(SESSION_VERSION).u8(sessionType).u16(authHash.value())
                    .bytes(saved.toBytes()).toByteArray();
        }
    }

    /** A persistent object, NV index or other handle, as Esys_TR_Serialize wrote it. */
    record Serialized(EsysResource resource) implements ToolsContextFile {

        public Serialized {
            Objects.requireNonNull(resource, "resource");
        }

        @Override
        public byte[] toBytes() {
            return resource.toBytes();
        }
    }

    /** Reads and parses {@code file}, refusing one larger than {@link #MAX_FILE_SIZE} before reading it. */
    static ToolsContextFile read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_SIZE + 1);
            if (bytes.length > MAX_FILE_SIZE) {
                throw new TpmProtocolException(file + " is larger than the " + MAX_FILE_SIZE
                        + " bytes any context file has", MAX_FILE_SIZE);
            }
            try {
                return parse(bytes);
            } catch (TpmProtocolException e) {
                throw e.within(file.toString());
            }
        }
    }

    /** Parses a context file's bytes: by its header a saved context or session, an Esys_TR_Serialize blob otherwise. */
    static ToolsContextFile parse(byte[] bytes) {
        TpmReader in = new TpmReader(bytes);
        if (bytes.length < 4 || in.u32("magic") != MAGIC) {
            return new Serialized(EsysResource.parse(bytes));
        }
        int versionAt = in.position();
        int version = in.u32("version");
        if (version == SESSION_VERSION) {
            int sessionType = in.u8("session type");
            int hashAt = in.position();
            int hash = in.u16("session authHash");
            TpmAlg authHash = TpmAlg.of(hash).orElseThrow(() -> new TpmProtocolException("session authHash "
                    + TpmAlg.describe(hash) + " is not a known algorithm", hashAt));
            int savedAt = in.position();
            Saved saved = parseSaved(bytes, savedAt);
            try {
                return new SessionFile(sessionType, authHash, saved);
            } catch (IllegalArgumentException e) {
                throw new TpmProtocolException(e.getMessage(), savedAt);
            }
        }
        if (version != VERSION) {
            throw new TpmProtocolException("context file version " + Integer.toUnsignedString(version) + " is neither "
                    + VERSION + " (saved context) nor " + SESSION_VERSION + " (session)", versionAt);
        }
        return parseSaved(bytes, 0);
    }

    /** A saved context file from {@code start} to the end of {@code bytes}, read in place so offsets are the file's. */
    private static Saved parseSaved(byte[] bytes, int start) {
        TpmReader in = new TpmReader(bytes, start, bytes.length);
        int magic = in.u32("magic");
        int version = in.u32("version");
        if (magic != MAGIC || version != VERSION) {
            throw new TpmProtocolException(String.format("the saved context starts with 0x%08x, version %d, not "
                    + "0x%08x, version %d", magic, version, MAGIC, VERSION), start);
        }
        int hierarchy = in.u32("TPMS_CONTEXT.hierarchy");
        int savedHandle = in.u32("TPMS_CONTEXT.savedHandle");
        long sequence = in.u64("TPMS_CONTEXT.sequence");
        int blobSize = in.u16("TPMS_CONTEXT.contextBlob.size");
        int blobStart = in.position();
        in.bytes(blobSize, "TPMS_CONTEXT.contextBlob");
        in.expectEnd("context file");

        TpmReader blob = new TpmReader(bytes, blobStart, blobStart + blobSize);
        blob.u32("IESYS_CONTEXT_DATA.reserved");
        byte[] tpmBlob = blob.tpm2b(SavedContext.MAX_BLOB, "IESYS_CONTEXT_DATA.tpmContext");
        blob.u16("IESYS_METADATA.size");
        EsysResource resource = EsysResource.read(blob);
        blob.expectEnd("IESYS_CONTEXT_DATA");
        try {
            return new Saved(new SavedContext(sequence, savedHandle, hierarchy, tpmBlob), resource);
        } catch (IllegalArgumentException e) {
            throw new TpmProtocolException(e.getMessage(), blobStart);
        }
    }
}
