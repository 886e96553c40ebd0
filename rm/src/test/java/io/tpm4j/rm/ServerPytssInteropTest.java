package io.tpm4j.rm;

import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.tpm4j.rm.RmTesting.newSigningKey;
import static io.tpm4j.rm.RmTesting.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tpm2-pytss (ESAPI over tpm2-tss's mssim TCTI) through the server, one Python process per step, as in
 * {@link ServerToolsInteropTest}: keys and policy sessions carried across processes, signatures checked both ways.
 */
class ServerPytssInteropTest extends WithServer {

    /** The tests clear the TPM with the platform's authorisation, as a test rig may: the hierarchy is kept. */
    @Override
    PlatformHierarchy platformHierarchy() {
        return PlatformHierarchy.KEEP;
    }

    private static final String PYTHON = "/usr/bin/python3";
    private Path script;

    @BeforeEach
    void copyScript() throws Exception {
        script = dir.resolve("pytss_client.py");
        try (InputStream in = getClass().getResourceAsStream("/pytss_client.py")) {
            Files.write(script, in.readAllBytes());
        }
    }

    private String pytss(String step) throws Exception {
        ProcessResult result = run(Map.of(), PYTHON, script.toString(), "mssim:host=127.0.0.1,port=" + mssimPort, step,
                dir.toString());
        assertEquals(0, result.exitCode(), "pytss step " + step + ":\n" + result.output());
        return result.output().strip();
    }

    @Test
    void aKeyMadeInOneProcessSignsInAnotherAndJavaAndPytssVerifyEachOther() throws Exception {
        String message = "signed by tpm2-pytss through tpm4j's server";
        byte[] digest = sha256(message);
        Files.write(dir.resolve("digest.bin"), digest);
        pytss("keys");
        pytss("sign");
        PublicArea pythonKey = PublicArea.readSized(new TpmReader(Files.readAllBytes(dir.resolve("py.pub"))));
        Signature pythonSignature = Signature.read(new TpmReader(Files.readAllBytes(dir.resolve("py.sig"))));
        assertTrue(Signatures.verify(PublicKeys.toPublicKey(pythonKey), pythonSignature,
                message.getBytes(StandardCharsets.UTF_8)),
                "Java verifies the signature pytss made");

        try (Tpm javaClient = client(); TpmObject key = newSigningKey(javaClient)) {
            TpmWriter signature = new TpmWriter();
            javaClient.sign(key, digest).write(signature);
            Files.write(dir.resolve("java.sig"), signature.toByteArray());
            TpmWriter publicArea = new TpmWriter();
            key.publicArea().writeSized(publicArea);
            Files.write(dir.resolve("java.pub"), publicArea.toByteArray());
            pytss("verify");
            byte[] damaged = signature.toByteArray();
            damaged[damaged.length - 1] ^= 1;
            Files.write(dir.resolve("java.sig"), damaged);
            assertNotEquals(0, run(Map.of(), PYTHON, script.toString(), "mssim:host=127.0.0.1,port=" + mssimPort,
                    "verify", dir.toString()).exitCode(), "a damaged signature must not verify");
        }
        assertEquals(List.of(), raw.handles(TpmHt.TRANSIENT));
    }

    @Test
    void aPolicySessionLivesAcrossThreeProcessesAndMatchesTheTrialDigest() throws Exception {
        pytss("session-start");
        pytss("session-pcr");
        String digest = pytss("session-auth");
        assertEquals(pytss("trial"), digest);
        assertEquals(64, digest.length(), digest);
        assertEquals(List.of(), raw.loadedSessions());
        assertEquals(List.of(), raw.savedSessions());
    }

    @Test
    void nvPersistentHandlesAndClear() throws Exception {
        assertEquals("written and read by tpm2-pytss..", pytss("nv"));
        pytss("persist");
        try (Tpm javaClient = client()) {
            assertEquals(List.of(), javaClient.handles(TpmHt.PERSISTENT), "pytss removed its persistent key");
        }
        pytss("clear");
    }

    @Test
    void aClientSeesAndFlushesOnlyItsOwnObjects() throws Exception {
        try (Tpm javaClient = client(); TpmObject key = newSigningKey(javaClient)) {
            String[] seen = pytss("handles").split(" ");
            assertEquals(2, seen.length, "pytss's primary and key, nothing of Java's: " + String.join(" ", seen));
            for (String handle : seen) {
                assertTrue(handle.startsWith("808"), "a virtual handle: " + handle);
            }
            assertEquals("0", pytss("flush-all"), "a new pytss process holds nothing and sees nothing");
            RmTesting.signAndVerify(javaClient, key, "untouched by pytss");
        }
    }
}
