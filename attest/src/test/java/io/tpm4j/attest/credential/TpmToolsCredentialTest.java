package io.tpm4j.attest.credential;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.MakeCredential;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Credential activation with Debian's tpm2-tools, both ways: a credential tpm2_makecredential makes offline activates
 * in tpm4j; one tpm4j makes in Java activates with tpm2_activatecredential, for an EK and AK tpm2_createek and
 * tpm2_createak made. tpm4j and the tools share one swtpm, one after the other (it serves one connection at a time);
 * without a resource manager each tool leaves what it loads, so every step is followed by a flush.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TpmToolsCredentialTest {

    private static final byte[] SECRET = "a secret for the AK".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private Swtpm swtpm;

    @BeforeEach
    void start() throws Exception {
        swtpm = Swtpm.startSocketServer();
        withTpm(Tpm::startupIfNeeded);
    }

    @AfterEach
    void nothingLeft() throws Exception {
        try {
            withTpm(tpm -> {
                assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT), "transient objects left in the TPM");
                assertEquals(List.of(), tpm.loadedSessions(), "loaded sessions left in the TPM");
                assertEquals(List.of(), tpm.savedSessions(), "saved sessions left in the TPM");
            });
        } finally {
            swtpm.close();
        }
    }

    interface TpmWork<T> {
        T run(Tpm tpm) throws Exception;
    }

    interface TpmCheck {
        void run(Tpm tpm) throws Exception;
    }

    private <T> T withTpm(TpmWork<T> work) throws Exception {
        try (Tpm tpm = Tpm.on(SocketTransport.connectUnix(swtpm.socketPath().orElseThrow(),
                CommandTimeouts.kernelDefaults()))) {
            return work.run(tpm);
        }
    }

    private void withTpm(TpmCheck check) throws Exception {
        withTpm(tpm -> {
            check.run(tpm);
            return null;
        });
    }

    /** Runs a tool against this swtpm ({@code --tcti none} on the command line overrides it); it must succeed. */
    private void tools(String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("TPM2TOOLS_TCTI", "swtpm:path=" + swtpm.socketPath().orElseThrow());
        Process p = builder.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + output);
    }

    @Test
    void credentialFromTpm2MakecredentialActivatesInTpm4j() throws Exception {
        for (PublicArea ekTemplate : List.of(Templates.ekRsa2048(), Templates.ekEccP256())) {
            withTpm(tpm -> {
                try (TpmObject ekKey = tpm.createPrimary(TpmRh.ENDORSEMENT, ekTemplate)) {
                    LoadedEk ek = LoadedEk.of(ekKey);
                    try (TpmObject ak = AttestationKeys.loadUnderEk(tpm, ek,
                            AttestationKeys.createUnderEk(tpm, ek, AkTemplate.ECC_P256, new byte[0]))) {
                        TpmWriter ekPublic = new TpmWriter();
                        ek.publicArea().writeSized(ekPublic);
                        Files.write(dir.resolve("ek.pub"), ekPublic.toByteArray());
                        Files.write(dir.resolve("secret.bin"), SECRET);
                        tools("tpm2_makecredential", "--tcti", "none", "-u", "ek.pub", "-s", "secret.bin", "-n",
                                HexFormat.of().formatHex(ak.name()), "-o", "cred.bin");
                        MakeCredential.Response made = ToolsCredentialFile.read(Files.readAllBytes(dir.resolve("cred.bin")));
                        assertArrayEquals(SECRET, CredentialActivation.activate(tpm, ak.handle(),
                                Authorization.emptyPassword(), ek, made), ekTemplate.type() + " EK");
                    }
                }
            });
        }
    }

    @Test
    void credentialFromTpm4jActivatesWithTpm2Activatecredential() throws Exception {
        for (String[] kind : List.of(new String[] {"rsa", "rsa", "rsassa"}, new String[] {"ecc", "ecc", "ecdsa"})) {
            tools("tpm2_createek", "-Q", "-c", "ek.ctx", "-G", kind[0], "-u", "ek.pub");
            tools("tpm2_flushcontext", "-t");
            tools("tpm2_createak", "-Q", "-C", "ek.ctx", "-c", "ak.ctx", "-G", kind[1], "-g", "sha256", "-s", kind[2],
                    "-u", "ak.pub", "-n", "ak.name", "-r", "ak.priv");
            tools("tpm2_flushcontext", "-t");

            PublicArea ek = PublicArea.readSized(new TpmReader(Files.readAllBytes(dir.resolve("ek.pub"))));
            PublicArea ak = PublicArea.readSized(new TpmReader(Files.readAllBytes(dir.resolve("ak.pub"))));
            byte[] akName = Files.readAllBytes(dir.resolve("ak.name"));
            assertArrayEquals(ak.name(), akName, "tpm4j computes the AK's Name tpm2_createak reports");
            assertEquals(Optional.of(kind[1].equals("rsa") ? AkTemplate.RSA_2048 : AkTemplate.ECC_P256),
                    AkTemplate.of(ak), "tpm2_createak's AK is made from the TCG template");
            Files.write(dir.resolve("cred.bin"), ToolsCredentialFile.write(Credentials.make(ek, akName, SECRET)));

            tools("tpm2_startauthsession", "-Q", "--policy-session", "-S", "session.ctx");
            tools("tpm2_policysecret", "-Q", "-S", "session.ctx", "-c", "e");
            tools("tpm2_activatecredential", "-Q", "-c", "ak.ctx", "-C", "ek.ctx", "-i", "cred.bin", "-o", "certinfo.bin",
                    "-P", "session:session.ctx");
            tools("tpm2_flushcontext", "session.ctx");
            tools("tpm2_flushcontext", "-t");
            assertArrayEquals(SECRET, Files.readAllBytes(dir.resolve("certinfo.bin")), kind[0] + " EK");
        }
    }
}
