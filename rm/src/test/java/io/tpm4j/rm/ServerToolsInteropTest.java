package io.tpm4j.rm;

import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;

import static io.tpm4j.rm.RmTesting.newSigningKey;
import static io.tpm4j.rm.RmTesting.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's tpm2-tools through the server's mssim socket, one process per command as people use them: objects and
 * sessions carried between processes in saved-context files, while a Java client shares the same TPM.
 */
class ServerToolsInteropTest extends WithServer {

    /** The tests clear the TPM with the platform's authorisation, as a test rig may: the hierarchy is kept. */
    @Override
    PlatformHierarchy platformHierarchy() {
        return PlatformHierarchy.KEEP;
    }

    private static final String NV_INDEX = "0x1500016";
    private static final String PERSISTENT = "0x81000099";

    @Test
    void keysCarriedAcrossProcessesSignAndJavaAndTheToolsVerifyEachOther() throws Exception {
        byte[] message = "signed through tpm4j's server".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("message.txt"), message);
        tools("tpm2_createprimary", "-Q", "-C", "o", "-c", "primary.ctx");
        tools("tpm2_create", "-Q", "-C", "primary.ctx", "-G", "ecc256:ecdsa-sha256", "-u", "key.pub", "-r", "key.priv");
        tools("tpm2_load", "-Q", "-C", "primary.ctx", "-u", "key.pub", "-r", "key.priv", "-c", "key.ctx");
        tools("tpm2_sign", "-Q", "-c", "key.ctx", "-g", "sha256", "-o", "tools.sig", "message.txt");
        tools("tpm2_verifysignature", "-Q", "-c", "key.ctx", "-g", "sha256", "-m", "message.txt", "-s", "tools.sig");

        TpmReader signatureFile = new TpmReader(Files.readAllBytes(dir.resolve("tools.sig")));
        Signature toolsSignature = Signature.read(signatureFile);
        PublicArea toolsKey = PublicArea.readSized(new TpmReader(Files.readAllBytes(dir.resolve("key.pub"))));
        assertTrue(Signatures.verify(PublicKeys.toPublicKey(toolsKey), toolsSignature, message), "Java verifies tpm2_sign's");

        try (Tpm javaClient = client(); TpmObject key = newSigningKey(javaClient)) {
            Signature signature = javaClient.sign(key, sha256("signed through tpm4j's server"));
            TpmWriter out = new TpmWriter();
            signature.write(out);
            Files.write(dir.resolve("java.sig"), out.toByteArray());
            Files.writeString(dir.resolve("java.pem"), "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder()
                    .encodeToString(PublicKeys.toPublicKey(key.publicArea()).getEncoded()) + "\n-----END PUBLIC KEY-----\n");
            tools("tpm2_loadexternal", "-Q", "-C", "o", "-G", "ecc", "-u", "java.pem", "-c", "java.ctx");
            tools("tpm2_verifysignature", "-Q", "-c", "java.ctx", "-g", "sha256", "-m", "message.txt", "-s", "java.sig");
            byte[] bad = Files.readAllBytes(dir.resolve("java.sig"));
            bad[bad.length - 1] ^= 1;
            Files.write(dir.resolve("bad.sig"), bad);
            assertFalse(run(java.util.Map.of("TPM2TOOLS_TCTI", "mssim:host=127.0.0.1,port=" + mssimPort),
                    "tpm2_verifysignature", "-Q", "-c", "java.ctx", "-g", "sha256", "-m", "message.txt", "-s", "bad.sig")
                    .exitCode() == 0, "a damaged signature must not verify");
            assertEquals(List.of(key.handle()), javaClient.handles(TpmHt.TRANSIENT), "the tools' objects are not Java's");
        }
        assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT), "the tool processes left objects behind");
    }

    @Test
    void aPolicySessionStartedInOneProcessIsExtendedAndUsedInLaterOnes() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "sealed through the server");
        tools("tpm2_startauthsession", "-Q", "-S", "trial.ctx");
        tools("tpm2_policypcr", "-Q", "-S", "trial.ctx", "-l", "sha256:0", "-L", "pcr.policy");
        tools("tpm2_policyauthvalue", "-Q", "-S", "trial.ctx", "-L", "pcr-and-auth.policy");
        tools("tpm2_flushcontext", "trial.ctx");

        tools("tpm2_startauthsession", "-Q", "--policy-session", "-S", "session.ctx");
        tools("tpm2_policypcr", "-Q", "-S", "session.ctx", "-l", "sha256:0");
        tools("tpm2_policyauthvalue", "-Q", "-S", "session.ctx", "-L", "session.policy");
        tools("tpm2_flushcontext", "session.ctx");
        assertArrayEquals(Files.readAllBytes(dir.resolve("pcr-and-auth.policy")), Files.readAllBytes(dir.resolve("session.policy")),
                "three processes built the same digest as one trial session");

        tools("tpm2_createprimary", "-Q", "-C", "o", "-c", "primary.ctx");
        tools("tpm2_create", "-Q", "-C", "primary.ctx", "-L", "pcr.policy", "-i", "secret.txt", "-u", "sealed.pub",
                "-r", "sealed.priv");
        tools("tpm2_load", "-Q", "-C", "primary.ctx", "-u", "sealed.pub", "-r", "sealed.priv", "-c", "sealed.ctx");
        tools("tpm2_startauthsession", "-Q", "--policy-session", "-S", "unseal.ctx");
        tools("tpm2_policypcr", "-Q", "-S", "unseal.ctx", "-l", "sha256:0");
        String unsealed = tools("tpm2_unseal", "-c", "sealed.ctx", "-p", "session:unseal.ctx");
        tools("tpm2_flushcontext", "unseal.ctx");
        assertEquals("sealed through the server", unsealed.strip());
        assertEquals(List.of(), raw.loadedSessions());
    }

    @Test
    void nvIndexWrittenByTheToolsIsReadByJavaAndTheTools() throws Exception {
        byte[] data = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        Files.write(dir.resolve("nv.bin"), data);
        tools("tpm2_nvdefine", "-Q", NV_INDEX, "-C", "o", "-s", "32", "-a", "ownerread|ownerwrite|authread|authwrite");
        try {
            tools("tpm2_nvwrite", "-Q", NV_INDEX, "-C", "o", "-i", "nv.bin");
            tools("tpm2_nvread", "-Q", NV_INDEX, "-C", "o", "-s", "32", "-o", "read.bin");
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("read.bin")));
            try (Tpm javaClient = client()) {
                assertArrayEquals(data, javaClient.nvRead(Integer.decode(NV_INDEX), Authorization.emptyPassword()));
            }
        } finally {
            tools("tpm2_nvundefine", "-Q", NV_INDEX, "-C", "o");
        }
    }

    @Test
    void persistentKeysAreSharedButTransientOnesAreOnlyTheCallers() throws Exception {
        try (Tpm javaClient = client(); TpmObject key = newSigningKey(javaClient)) {
            assertEquals("", tools("tpm2_getcap", "handles-transient").strip(), "the tools see Java's key");
            tools("tpm2_createprimary", "-Q", "-C", "o", "-c", "primary.ctx");
            tools("tpm2_evictcontrol", "-Q", "-C", "o", "-c", "primary.ctx", PERSISTENT);
            try {
                assertTrue(tools("tpm2_getcap", "handles-persistent").contains(PERSISTENT));
                assertTrue(javaClient.handles(TpmHt.PERSISTENT).contains(Integer.parseUnsignedInt(PERSISTENT.substring(2), 16)), "persistent handles are global");
            } finally {
                tools("tpm2_evictcontrol", "-Q", "-C", "o", "-c", PERSISTENT);
            }
            tools("tpm2_flushcontext", "-t");
            RmTesting.signAndVerify(javaClient, key, "a tool's flush-all flushed only its own");
        }
    }

    @Test
    void otherTransportsReachTheSameServer() throws Exception {
        assertEquals(16, toolsVia("mssim:path=" + mssimSocket, "tpm2_getrandom", "--hex", "8").strip().length());
        assertEquals(16, toolsVia("cmd:socat - UNIX-CONNECT:" + rawSocket, "tpm2_getrandom", "--hex", "8").strip().length());
    }

    @Test
    void tpm2ClearWorksWhenTheTestOwnsTheTpm() throws Exception {
        tools("tpm2_createprimary", "-Q", "-C", "o", "-c", "before.ctx");
        tools("tpm2_readpublic", "-Q", "-c", "before.ctx", "-o", "before.pub");
        tools("tpm2_clear", "-c", "p");
        tools("tpm2_createprimary", "-Q", "-C", "o", "-c", "after.ctx");
        tools("tpm2_readpublic", "-Q", "-c", "after.ctx", "-o", "after.pub");
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("before.pub")),
                Files.readAllBytes(dir.resolve("after.pub"))), "TPM2_Clear changed the owner's seed");
    }
}
