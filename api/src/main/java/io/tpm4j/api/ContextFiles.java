package io.tpm4j.api;

import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.NvReadPublic;
import io.tpm4j.api.commands.ReadPublic;
import io.tpm4j.api.files.EsysResource;
import io.tpm4j.api.files.ToolsContextFile;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmHt;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * tpm2-tools context files and tpm2-tss serialized handles on a TPM: a key a shell script saved
 * ({@code tpm2_load -c key.ctx}) loaded as a {@link TpmObject}, a key of ours saved for {@code tpm2_sign -c}, a
 * persistent handle serialized for ESAPI, and a file's claims about a handle checked against the TPM.
 *
 * <p>A saved context works in any connection to the same TPM until the TPM is reset (or, for sessions, until it is
 * flushed): through tpm4j's resource manager a context saved in one space loads in another.
 */
public final class ContextFiles {

    private ContextFiles() {
    }

    /**
     * TPM2_ContextLoad of a saved object; close the result to flush it. The public area and Name are the TPM's
     * (TPM2_ReadPublic of the loaded object), and must be those the file's metadata gives.
     *
     * @throws IllegalArgumentException when the file holds a session, or its metadata is not the loaded object's
     */
    public static TpmObject load(Tpm tpm, ToolsContextFile.Saved file) {
        PublicArea claimed = file.resource().publicArea().orElseThrow(() -> new IllegalArgumentException(
                "the context file holds " + file.resource() + ", not an object"));
        int handle = tpm.execute(new ContextLoad(file.context())).loadedHandle();
        try {
            ReadPublic.Response actual = tpm.execute(new ReadPublic(handle));
            if (!actual.outPublic().equals(claimed) || !Arrays.equals(actual.name(), file.resource().name())) {
                throw new IllegalArgumentException("the context file's metadata (Name "
                        + HexFormat.of().formatHex(file.resource().name()) + ") is not the object it loads (Name "
                        + HexFormat.of().formatHex(actual.name()) + ")");
            }
            return TpmObject.loadedThrough(tpm, handle, actual.outPublic(), actual.name());
        } catch (RuntimeException e) {
            flushQuietly(tpm, handle, e);
            throw e;
        }
    }

    /**
     * TPM2_ContextLoad of a session {@code tpm2_startauthsession -S} saved; returns its handle, which policy commands
     * take as is. Save it again with {@link #saveSession} for the tools to go on with it.
     */
    public static int loadSession(Tpm tpm, ToolsContextFile.SessionFile file) {
        return tpm.execute(new ContextLoad(file.saved().context())).loadedHandle();
    }

    /**
     * TPM2_ContextSave of a loaded object, with the metadata ESAPI needs: the file {@code tpm2_sign -c} and other
     * tools load. The object stays loaded.
     */
    public static ToolsContextFile.Saved save(Tpm tpm, TpmObject object) {
        SavedContext context = tpm.execute(new ContextSave(object.handle())).context();
        return new ToolsContextFile.Saved(context, new EsysResource(object.handle(), object.name(),
                new EsysResource.ObjectPublic(object.publicArea())));
    }

    /**
     * TPM2_ContextSave of a session loaded by {@link #loadSession}, with the type, hash and ESAPI state it was loaded
     * with (from {@code loadedFrom}): a session file the tools go on with. The session leaves the TPM's slots, as
     * any saved session does. Policy commands, which take the session as a handle, leave ESAPI's state valid; after
     * the session authorised a command here, the nonces ESAPI kept are stale.
     */
    public static ToolsContextFile.SessionFile saveSession(Tpm tpm, int sessionHandle,
            ToolsContextFile.SessionFile loadedFrom) {
        SavedContext context = tpm.execute(new ContextSave(sessionHandle)).context();
        EsysResource before = loadedFrom.resource();
        return new ToolsContextFile.SessionFile(loadedFrom.sessionType(), loadedFrom.authHash(),
                new ToolsContextFile.Saved(context, new EsysResource(sessionHandle, before.name(), before.details())));
    }

    /**
     * What Esys_TR_Serialize would write for {@code handle}, as this TPM answers for it: the public area of a
     * persistent or transient object, of an NV index, or just the handle of a PCR or permanent entity.
     */
    public static EsysResource serialize(Tpm tpm, int handle) {
        if (TpmHt.PERSISTENT.contains(handle) || TpmHt.TRANSIENT.contains(handle)) {
            ReadPublic.Response r = tpm.execute(new ReadPublic(handle));
            return new EsysResource(handle, r.name(), new EsysResource.ObjectPublic(r.outPublic()));
        }
        if (TpmHt.NV_INDEX.contains(handle)) {
            NvReadPublic.Response r = tpm.execute(new NvReadPublic(handle));
            return new EsysResource(handle, r.nvName(), new EsysResource.NvIndexPublic(r.nvPublic()));
        }
        return EsysResource.ofHandle(handle);
    }

    /**
     * Checks a serialized handle against the TPM: the entity at its handle must have the Name (and so the public
     * area) the file gives. A file can name any handle; this is what makes a key found at a persistent handle the
     * one the file was written for.
     *
     * @throws IllegalArgumentException when the TPM's entity at that handle has another Name
     */
    public static void verify(Tpm tpm, EsysResource resource) {
        byte[] actual = serialize(tpm, resource.handle()).name();
        if (!Arrays.equals(actual, resource.name())) {
            throw new IllegalArgumentException(String.format("the entity at 0x%08x has the Name %s, not the %s the "
                    + "file gives", resource.handle(), HexFormat.of().formatHex(actual),
                    HexFormat.of().formatHex(resource.name())));
        }
    }

    private static void flushQuietly(Tpm tpm, int handle, RuntimeException cause) {
        try {
            tpm.execute(new FlushContext(handle));
        } catch (TpmException flush) {
            cause.addSuppressed(flush);
        }
    }
}
