package io.tpm4j.rm;

import io.tpm4j.api.ContextFiles;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.PolicyAuthValue;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.files.EsysResource;
import io.tpm4j.api.files.ToolsContextFile;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.wire.TpmReader;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.tpm4j.rm.RmTesting.newSigningKey;
import static io.tpm4j.rm.RmTesting.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tpm2-tools context files and tpm2-pytss serialized handles carried between the tools, pytss and Java through
 * tpm4j's server: every tool and Python process is a connection (an RM space) of its own, so a context saved by one
 * is loaded by another.
 */
class ServerContextFilesInteropTest extends WithServer {

    private static final String MESSAGE = "signed across a context file";
    private static final int JAVA_PERSISTENT = 0x81000096;
    private static final int PYTHON_PERSISTENT = 0x81000097;

    @Test
    void aKeyTpm2LoadSavedSignsInJavasSpaceAndAKeyJavaSavedSignsInTpm2Sign() throws Exception {
        Files.writeString(dir.resolve("message.txt"), MESSAGE);
        tools("tpm2_createprimary", "-Q", "-C", "o", "-c", "p.ctx");
        tools("tpm2_create", "-Q", "-C", "p.ctx", "-G", "ecc256:ecdsa-sha256", "-u", "k.pub", "-r", "k.priv");
        tools("tpm2_load", "-Q", "-C", "p.ctx", "-u", "k.pub", "-r", "k.priv", "-c", "k.ctx");
        PublicArea toolsPublic = PublicArea.readSized(new TpmReader(Files.readAllBytes(dir.resolve("k.pub"))));

        try (Tpm java = client()) {
            ToolsContextFile.Saved file = (ToolsContextFile.Saved) ToolsContextFile.read(dir.resolve("k.ctx"));
            try (TpmObject key = ContextFiles.load(java, file)) {
                assertEquals(toolsPublic, key.publicArea());
                Signature signature = java.sign(key, sha256(MESSAGE));
                assertTrue(Signatures.verify(PublicKeys.toPublicKey(toolsPublic), signature,
                        MESSAGE.getBytes(StandardCharsets.UTF_8)), "the JDK verifies with the key's public part");
            }

            try (TpmObject key = newSigningKey(java)) {
                ContextFiles.save(java, key).write(dir.resolve("java.ctx"));
                tools("tpm2_sign", "-Q", "-c", "java.ctx", "-g", "sha256", "-o", "java.sig", "message.txt");
                Signature signature = Signature.read(new TpmReader(Files.readAllBytes(dir.resolve("java.sig"))));
                assertTrue(Signatures.verify(PublicKeys.toPublicKey(key.publicArea()), signature,
                        MESSAGE.getBytes(StandardCharsets.UTF_8)), "tpm2_sign signed with Java's key");

                // The same TPM context with another key's metadata: the TPM's answer, not the file's, decides.
                ToolsContextFile.Saved lying = new ToolsContextFile.Saved(file.context(),
                        EsysResource.ofObject(0x80000000, key.publicArea()));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> ContextFiles.load(java, lying));
                assertTrue(e.getMessage().contains("is not the object it loads"), e.getMessage());
                assertEquals(List.of(key.handle()), java.handles(TpmHt.TRANSIENT), "the refused object was flushed");
            }
        }
        assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT));
    }

    @Test
    void aPolicySessionGoesFromTheToolsToJavaAndBack() throws Exception {
        tools("tpm2_startauthsession", "-Q", "-S", "trial.ctx");
        tools("tpm2_policypcr", "-Q", "-S", "trial.ctx", "-l", "sha256:0");
        tools("tpm2_policyauthvalue", "-Q", "-S", "trial.ctx");
        tools("tpm2_policycommandcode", "-Q", "-S", "trial.ctx", "-L", "trial.policy", "TPM2_CC_Unseal");
        tools("tpm2_flushcontext", "trial.ctx");

        tools("tpm2_startauthsession", "-Q", "--policy-session", "-S", "session.ctx");
        tools("tpm2_policypcr", "-Q", "-S", "session.ctx", "-l", "sha256:0");
        try (Tpm java = client()) {
            ToolsContextFile.SessionFile file = (ToolsContextFile.SessionFile) ToolsContextFile.read(
                    dir.resolve("session.ctx"));
            int session = ContextFiles.loadSession(java, file);
            assertEquals(file.saved().context().savedHandle(), session, "a session keeps its handle");
            java.execute(new PolicyAuthValue(session));
            ContextFiles.saveSession(java, session, file).write(dir.resolve("session.ctx"));
        }
        tools("tpm2_policycommandcode", "-Q", "-S", "session.ctx", "-L", "session.policy", "TPM2_CC_Unseal");
        tools("tpm2_flushcontext", "session.ctx");
        assertArrayEquals(Files.readAllBytes(dir.resolve("trial.policy")),
                Files.readAllBytes(dir.resolve("session.policy")), "the tools, Java, the tools: one policy");
        assertEquals(List.of(), raw.loadedSessions());
        assertEquals(List.of(), raw.savedSessions());
    }

    @Test
    void serializedPersistentHandlesGoBothWaysBetweenPytssTheToolsAndJava() throws Exception {
        Path script = dir.resolve("pytss_client.py");
        try (InputStream in = getClass().getResourceAsStream("/pytss_client.py")) {
            Files.write(script, in.readAllBytes());
        }
        byte[] digest = sha256(MESSAGE);
        Files.write(dir.resolve("digest.bin"), digest);
        try (Tpm java = client()) {
            try {
                pytss(script, "persist-and-serialize");
                EsysResource python = EsysResource.parse(Files.readAllBytes(dir.resolve("python.tr")));
                assertEquals(PYTHON_PERSISTENT, python.handle());
                ContextFiles.verify(java, python);
                Signature signature = java.execute(new Sign(python.handle(), Authorization.emptyPassword(), digest,
                        Scheme.NULL, Sign.nullTicket())).signature();
                assertTrue(Signatures.verify(PublicKeys.toPublicKey(python.publicArea().orElseThrow()), signature,
                        MESSAGE.getBytes(StandardCharsets.UTF_8)), "signed by the key pytss serialized");

                try (TpmObject key = newSigningKey(java)) {
                    java.persist(key, JAVA_PERSISTENT);
                }
                EsysResource ours = ContextFiles.serialize(java, JAVA_PERSISTENT);
                Files.write(dir.resolve("java.tr"), ours.toBytes());
                assertEquals(String.format("%08x %s", JAVA_PERSISTENT, HexFormat.of().formatHex(ours.name())),
                        pytss(script, "deserialize-and-sign"));
                Signature pythonSignature = Signature.read(new TpmReader(Files.readAllBytes(dir.resolve("python.sig"))));
                assertTrue(Signatures.verify(PublicKeys.toPublicKey(ours.publicArea().orElseThrow()), pythonSignature,
                        MESSAGE.getBytes(StandardCharsets.UTF_8)), "pytss signed with the handle Java serialized");

                // tpm2-tools keeps persistent handles in the same form: it reads Java's, Java reads its own.
                Files.writeString(dir.resolve("message.txt"), MESSAGE);
                new ToolsContextFile.Serialized(ours).write(dir.resolve("java-persistent.ctx"));
                tools("tpm2_sign", "-Q", "-c", "java-persistent.ctx", "-g", "sha256", "-o", "tools.sig", "message.txt");
                assertTrue(Signatures.verify(PublicKeys.toPublicKey(ours.publicArea().orElseThrow()),
                        Signature.read(new TpmReader(Files.readAllBytes(dir.resolve("tools.sig")))),
                        MESSAGE.getBytes(StandardCharsets.UTF_8)), "tpm2_sign signed with the handle Java serialized");
                tools("tpm2_readpublic", "-Q", "-c", String.format("0x%08x", PYTHON_PERSISTENT), "-t", "tools.tr");
                assertEquals(new ToolsContextFile.Serialized(python), ToolsContextFile.read(dir.resolve("tools.tr")));

                // A blob naming Java's handle with pytss's key is caught by asking the TPM.
                EsysResource wrongHandle = new EsysResource(JAVA_PERSISTENT, python.name(), python.details());
                assertThrows(IllegalArgumentException.class, () -> ContextFiles.verify(java, wrongHandle));
                Files.write(dir.resolve("java.tr"), wrongHandle.toBytes());
                ProcessResult refused = run(Map.of(), "/usr/bin/python3", script.toString(), tcti(),
                        "deserialize-and-sign", dir.toString());
                assertTrue(refused.exitCode() != 0 && refused.output().contains("ErrorCode (0x0000098e)"),
                        "the TPM refuses the HMAC made with the wrong Name (TPM_RC_AUTH_FAIL):\n" + refused.output());
            } finally {
                for (int handle : java.handles(TpmHt.PERSISTENT)) {
                    if (handle == JAVA_PERSISTENT || handle == PYTHON_PERSISTENT) {
                        java.evict(handle);
                    }
                }
            }
        }
        assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT));
        assertEquals(List.of(), raw.loadedSessions());
    }

    private String tcti() {
        return "mssim:host=127.0.0.1,port=" + mssimPort;
    }

    private String pytss(Path script, String step) throws Exception {
        ProcessResult result = run(Map.of(), "/usr/bin/python3", script.toString(), tcti(), step, dir.toString());
        assertEquals(0, result.exitCode(), "pytss step " + step + ":\n" + result.output());
        return result.output().strip();
    }
}
