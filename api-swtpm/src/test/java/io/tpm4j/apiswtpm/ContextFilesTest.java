package io.tpm4j.apiswtpm;

import io.tpm4j.api.ContextFiles;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.commands.PolicyAuthValue;
import io.tpm4j.api.commands.PolicyGetDigest;
import io.tpm4j.api.commands.StartAuthSession;
import io.tpm4j.api.files.EsysResource;
import io.tpm4j.api.files.SessionState;
import io.tpm4j.api.files.ToolsContextFile;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.session.Session;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ContextFiles} on swtpm: what the TPM answers decides, not what a file claims. */
class ContextFilesTest extends WithSrk {

    @Test
    void aSavedKeyLoadsAgainAfterItWasFlushedAndATamperedContextIsRefusedByTheTpm() {
        ToolsContextFile.Saved saved;
        try (TpmObject key = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()))) {
            saved = ContextFiles.save(tpm, key);
            assertArrayEquals(key.name(), saved.resource().name());
        }
        ToolsContextFile.Saved reread = (ToolsContextFile.Saved) ToolsContextFile.parse(saved.toBytes());
        try (TpmObject again = ContextFiles.load(tpm, reread)) {
            assertArrayEquals(saved.resource().name(), again.name());
        }

        byte[] blob = saved.context().contextBlob();
        blob[blob.length - 1] ^= 1;
        SavedContext damaged = new SavedContext(saved.context().sequence(), saved.context().savedHandle(),
                saved.context().hierarchy(), blob);
        TpmResponseException e = assertThrows(TpmResponseException.class,
                () -> ContextFiles.load(tpm, new ToolsContextFile.Saved(damaged, saved.resource())));
        assertTrue(e.getMessage().contains("TPM2_ContextLoad"), e.getMessage());
        assertEquals(List.of(srk.handle()), tpm.handles(TpmHt.TRANSIENT));
    }

    @Test
    void aSessionFileOnlyLoadsAsASessionAndItsPolicyGoesOn() {
        ToolsContextFile.Saved key;
        try (TpmObject object = tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()))) {
            key = ContextFiles.save(tpm, object);
        }
        assertThrows(IllegalArgumentException.class, () -> new ToolsContextFile.SessionFile(1, TpmAlg.SHA256, key));

        // Started here, then carried as tpm2-tools would carry it: this AuthSession is not used (or closed) again.
        AuthSession session = tpm.startSession(Session.policy(TpmAlg.SHA256));
        int handle = session.handle();
        // The session's ESAPI state as tpm2-tools would have it: the nonce the TPM gave, no session key.
        byte[] state = new io.tpm4j.api.wire.TpmWriter().u16(0).u16(0).u16(0).u16(TpmAlg.NULL.value())
                .u16(TpmAlg.SHA256.value()).u16(0).u8(StartAuthSession.POLICY).u8(0).u16(0)
                .tpm2b(session.nonceTpm()).u32(0).u32(0).u32(0).u16(0).u16(0).toByteArray();
        ToolsContextFile.SessionFile file = new ToolsContextFile.SessionFile(StartAuthSession.POLICY, TpmAlg.SHA256,
                new ToolsContextFile.Saved(tpm.execute(new io.tpm4j.api.commands.ContextSave(handle)).context(),
                        new EsysResource(handle, new io.tpm4j.api.wire.TpmWriter().u32(handle).toByteArray(),
                                new SessionState(false, state))));
        ToolsContextFile.SessionFile reread = (ToolsContextFile.SessionFile) ToolsContextFile.parse(file.toBytes());
        assertArrayEquals(session.nonceTpm(), assertInstanceOf(SessionState.class, reread.resource().details())
                .nonceTpm());

        int loaded = ContextFiles.loadSession(tpm, reread);
        assertEquals(handle, loaded);
        tpm.execute(new PolicyAuthValue(loaded));
        ToolsContextFile.SessionFile back = ContextFiles.saveSession(tpm, loaded, reread);
        assertEquals(reread.resource().details(), back.resource().details(), "ESAPI's state travels unchanged");
        int again = ContextFiles.loadSession(tpm, back);
        assertArrayEquals(PolicyDigest.start(TpmAlg.SHA256).authValue().digest(),
                tpm.execute(new PolicyGetDigest(again)).policyDigest());
        tpm.execute(new io.tpm4j.api.commands.FlushContext(again));
        assertEquals(List.of(), tpm.loadedSessions());
    }

    @Test
    void serializedHandlesAreCheckedAgainstTheTpm() {
        int index = 0x01500030;
        NvPublic nv = new NvPublic(index, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.OWNERWRITE,
                NvAttributes.OWNERREAD, NvAttributes.AUTHREAD, NvAttributes.AUTHWRITE), new byte[0], 8);
        tpm.nvDefine(nv, new byte[0]);
        try {
            EsysResource serialized = ContextFiles.serialize(tpm, index);
            assertEquals(EsysResource.ofNvIndex(nv), serialized);
            ContextFiles.verify(tpm, EsysResource.parse(serialized.toBytes()));

            NvPublic other = new NvPublic(index, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY, NvAttributes.OWNERWRITE,
                    NvAttributes.OWNERREAD), new byte[0], 8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ContextFiles.verify(tpm, EsysResource.ofNvIndex(other)));
            assertTrue(e.getMessage().contains("the entity at 0x01500030 has the Name"), e.getMessage());
        } finally {
            tpm.nvUndefine(index);
        }
        assertEquals(EsysResource.ofHandle(TpmRh.OWNER), ContextFiles.serialize(tpm, TpmRh.OWNER));
    }
}
