package io.tpm4j.testhw;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.commands.Create;
import io.tpm4j.api.commands.PolicyPcr;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;
import io.tpm4j.api.session.AuthSession;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.session.PolicyDigest;
import io.tpm4j.api.testing.CallerSessions;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tpm4j and Debian's tpm2-tools on the same swtpm, one after the other (swtpm serves one connection at a
 * time): what one writes, the other reads; the Names both compute agree.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TpmToolsInteropTest {

    @TempDir
    Path dir;
    private Swtpm swtpm;

    @BeforeEach
    void start() {
        swtpm = Swtpm.startSocketServer();
        withTpm(Tpm::startupIfNeeded);
    }

    @AfterEach
    void stop() {
        withTpm(tpm -> {
            assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT));
            assertEquals(List.of(), tpm.handles(TpmHt.NV_INDEX));
            assertEquals(List.of(), tpm.loadedSessions());
        });
        swtpm.close();
    }

    private void withTpm(Consumer<Tpm> work) {
        try (Tpm tpm = Tpm.on(SocketTransport.connectUnix(swtpm.socketPath().orElseThrow(),
                CommandTimeouts.kernelDefaults()))) {
            work.accept(tpm);
        }
    }

    private String tools(String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("TPM2TOOLS_TCTI", "swtpm:path=" + swtpm.socketPath().orElseThrow());
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", argv) + " did not finish");
        }
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ":\n" + output);
        return output;
    }

    @Test
    void namesAgreeWithTpm2Readpublic() throws Exception {
        toolsSrk();
        tools("tpm2_readpublic", "-Q", "-c", "srk.ctx", "-n", "srk.name", "-o", "srk.pub");
        tools("tpm2_flushcontext", "-t");
        byte[] toolsName = Files.readAllBytes(dir.resolve("srk.name"));
        PublicArea toolsPublic = PublicArea.readSized(new TpmReader(Files.readAllBytes(dir.resolve("srk.pub"))));
        assertArrayEquals(toolsName, toolsPublic.name(), "tpm4j computes the Name tpm2-tools reports");

        withTpm(tpm -> {
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, toolsSrkTemplate())) {
                assertArrayEquals(toolsName, srk.name(), "the same template gives tpm4j the same key");
            }
        });
    }

    /** tpm2-tools' default ECC storage key: the provisioning-guidance template with an empty unique. */
    private static final String TOOLS_SRK_ATTRIBUTES = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt";

    private static PublicArea toolsSrkTemplate() {
        return new PublicArea(TpmAlg.SHA256, Templates.srkEccP256().attributes(), new byte[0],
                Templates.srkEccP256().parameters(), new PublicId.Ecc(new byte[0], new byte[0]));
    }

    /**
     * tpm2-tools' SRK, saved to srk.ctx. Talking to swtpm without a resource manager, each tool leaves what it
     * loads in the TPM's three object slots, so every step is followed by a flush.
     */
    private void toolsSrk() throws Exception {
        tools("tpm2_createprimary", "-Q", "-C", "o", "-g", "sha256", "-G", "ecc256:null:aes128cfb", "-a",
                TOOLS_SRK_ATTRIBUTES, "-c", "srk.ctx");
        tools("tpm2_flushcontext", "-t");
    }

    /** tpm2_load of a key under srk.ctx into a saved context. */
    private void toolsLoad(String pub, String priv, String context) throws Exception {
        tools("tpm2_load", "-Q", "-C", "srk.ctx", "-u", pub, "-r", priv, "-c", context);
        tools("tpm2_flushcontext", "-t");
    }

    @Test
    void keyFromTpm4jSignsInTpm2ToolsAndTpm4jVerifies() throws Exception {
        byte[] message = "signed by tpm2-tools with a tpm4j key".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("message.txt"), message);
        PublicArea[] keyPublic = new PublicArea[1];
        withTpm(tpm -> {
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, toolsSrkTemplate())) {
                Create.Response key = tpm.create(srk, Templates.eccSigningKey());
                keyPublic[0] = key.outPublic();
                TpmWriter pub = new TpmWriter();
                key.outPublic().writeSized(pub);
                write("key.pub", pub.toByteArray());
                write("key.priv", new TpmWriter().tpm2b(key.outPrivate()).toByteArray());
            }
        });
        toolsSrk();
        toolsLoad("key.pub", "key.priv", "key.ctx");
        tools("tpm2_sign", "-Q", "-c", "key.ctx", "-g", "sha256", "-o", "signature.bin", "message.txt");
        tools("tpm2_flushcontext", "-t");

        TpmReader in = new TpmReader(read("signature.bin"));
        Signature signature = Signature.read(in);
        in.expectEnd("tpm2_sign's TPMT_SIGNATURE");
        assertTrue(Signatures.verify(PublicKeys.toPublicKey(keyPublic[0]), signature, message), "JCA verifies");
        withTpm(tpm -> {
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, toolsSrkTemplate());
                 TpmObject key = tpm.load(srk, new Create.Response(privateOf(read("key.priv")), keyPublic[0], new byte[0],
                         new byte[0], Sign.nullTicket()))) {
                tpm.verifySignature(key, sha256(message), signature);
            }
        });
    }

    @Test
    void keyFromTpm2ToolsSignsInTpm4jAndTpm2ToolsVerifies() throws Exception {
        byte[] message = "signed by tpm4j with a tpm2-tools key".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("message.txt"), message);
        toolsSrk();
        tools("tpm2_create", "-Q", "-C", "srk.ctx", "-G", "ecc256:ecdsa-sha256", "-g", "sha256", "-u", "tools.pub",
                "-r", "tools.priv");
        tools("tpm2_flushcontext", "-t");
        TpmReader pub = new TpmReader(read("tools.pub"));
        PublicArea toolsPublic = PublicArea.readSized(pub);
        byte[] toolsPrivate = privateOf(read("tools.priv"));
        withTpm(tpm -> {
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, toolsSrkTemplate());
                 TpmObject key = tpm.load(srk, new Create.Response(toolsPrivate, toolsPublic, new byte[0], new byte[0],
                         Sign.nullTicket()))) {
                Signature signature = tpm.sign(key, sha256(message));
                assertTrue(Signatures.verify(PublicKeys.toPublicKey(toolsPublic), signature, message), "JCA verifies");
                TpmWriter out = new TpmWriter();
                signature.write(out);
                write("signature.bin", out.toByteArray());
            }
        });
        toolsSrk();
        toolsLoad("tools.pub", "tools.priv", "tools.ctx");
        String verified = tools("tpm2_verifysignature", "-c", "tools.ctx", "-g", "sha256", "-m", "message.txt", "-s",
                "signature.bin", "-t", "ticket.bin");
        tools("tpm2_flushcontext", "-t");
        assertTrue(Files.size(dir.resolve("ticket.bin")) > 0, "tpm2_verifysignature accepted it: " + verified);
    }

    /** The buffer of a TPM2B_PRIVATE file. */
    private static byte[] privateOf(byte[] file) {
        TpmReader in = new TpmReader(file);
        byte[] buffer = in.tpm2b(file.length, "TPM2B_PRIVATE");
        in.expectEnd("TPM2B_PRIVATE file");
        return buffer;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private void write(String file, byte[] bytes) {
        try {
            Files.write(dir.resolve(file), bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final int PCR = 16;

    private static PolicyDigest pcrPolicy(Tpm tpm) {
        return PolicyDigest.start(TpmAlg.SHA256).pcr(TpmAlg.SHA256, tpm.pcrValues(TpmAlg.SHA256, PCR));
    }

    private static java.util.function.Consumer<AuthSession> runPcrPolicy(Tpm tpm) {
        return s -> tpm.execute(new PolicyPcr(s.handle(), new byte[0], List.of(PcrSelection.of(TpmAlg.SHA256, PCR))));
    }

    @Test
    void pcrSealedByTpm4jIsUnsealedByTpm2Tools() throws Exception {
        byte[] secret = "sealed by tpm4j".getBytes(StandardCharsets.UTF_8);
        withTpm(tpm -> {
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, toolsSrkTemplate())) {
                Create.Response sealed = tpm.seal(srk, secret, pcrPolicy(tpm));
                TpmWriter pub = new TpmWriter();
                sealed.outPublic().writeSized(pub);
                write("sealed.pub", pub.toByteArray());
                write("sealed.priv", new TpmWriter().tpm2b(sealed.outPrivate()).toByteArray());
            }
        });
        toolsSrk();
        toolsLoad("sealed.pub", "sealed.priv", "sealed.ctx");
        tools("tpm2_unseal", "-Q", "-c", "sealed.ctx", "-p", "pcr:sha256:" + PCR, "-o", "unsealed.bin");
        tools("tpm2_flushcontext", "-t");
        tools("tpm2_flushcontext", "-l");
        assertArrayEquals(secret, read("unsealed.bin"));
    }

    @Test
    void pcrSealedByTpm2ToolsIsUnsealedByTpm4jAndThePoliciesAgree() throws Exception {
        byte[] secret = "sealed by tpm2-tools".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("secret.bin"), secret);
        tools("tpm2_createpolicy", "-Q", "--policy-pcr", "-l", "sha256:" + PCR, "-L", "policy.digest");
        tools("tpm2_flushcontext", "-l");
        withTpm(tpm -> assertArrayEquals(pcrPolicy(tpm).digest(), read("policy.digest"),
                "tpm2_createpolicy's PCR policy is tpm4j's calculator's"));
        toolsSrk();
        tools("tpm2_create", "-Q", "-C", "srk.ctx", "-L", "policy.digest", "-i", "secret.bin", "-u", "tools-sealed.pub",
                "-r", "tools-sealed.priv");
        tools("tpm2_flushcontext", "-t");
        PublicArea sealedPublic = PublicArea.readSized(new TpmReader(read("tools-sealed.pub")));
        byte[] sealedPrivate = privateOf(read("tools-sealed.priv"));
        withTpm(tpm -> {
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, toolsSrkTemplate())) {
                byte[] unsealed = tpm.unseal(srk, new Create.Response(sealedPrivate, sealedPublic, new byte[0],
                        new byte[0], Sign.nullTicket()), runPcrPolicy(tpm));
                assertArrayEquals(secret, unsealed);
                assertEquals(List.of(), CallerSessions.loaded(tpm));
            }
        });
    }

    @Test
    void endorsementKeysAreTheOnesTpm2CreateekMakes() throws Exception {
        for (String[] kind : new String[][] {{"ecc", "ek-ecc"}, {"rsa", "ek-rsa"}}) {
            tools("tpm2_createek", "-Q", "-G", kind[0], "-c", kind[1] + ".ctx");
            tools("tpm2_readpublic", "-Q", "-c", kind[1] + ".ctx", "-n", kind[1] + ".name");
            tools("tpm2_flushcontext", "-t");
        }
        withTpm(tpm -> {
            try (TpmObject ecc = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.ekEccP256());
                 TpmObject rsa = tpm.createPrimary(TpmRh.ENDORSEMENT, Templates.ekRsa2048())) {
                assertArrayEquals(read("ek-ecc.name"), ecc.name(), "ECC EK (template L-2)");
                assertArrayEquals(read("ek-rsa.name"), rsa.name(), "RSA EK (template L-1)");
            }
        });
    }

    private byte[] read(String file) {
        try {
            return Files.readAllBytes(dir.resolve(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void nvWrittenByOneIsReadByTheOther() throws Exception {
        int index = 0x01500020;
        Authorization password = Authorization.password("interop".getBytes(StandardCharsets.UTF_8));
        byte[] fromTpm4j = "written by tpm4j".getBytes(StandardCharsets.UTF_8);
        byte[] fromTools = "written by tools".getBytes(StandardCharsets.UTF_8);
        NvPublic nv = new NvPublic(index, TpmAlg.SHA256, NvAttributes.of(NvAttributes.Type.ORDINARY,
                NvAttributes.AUTHREAD, NvAttributes.AUTHWRITE, NvAttributes.NO_DA), new byte[0], fromTpm4j.length);
        withTpm(tpm -> {
            tpm.nvDefine(nv, "interop".getBytes(StandardCharsets.UTF_8));
            tpm.nvWrite(index, password, fromTpm4j);
        });
        try {
            tools("tpm2_nvread", "-Q", "-C", "0x01500020", "-P", "interop", "-s", Integer.toString(fromTpm4j.length),
                    "-o", "read.bin", "0x01500020");
            assertArrayEquals(fromTpm4j, Files.readAllBytes(dir.resolve("read.bin")));
            Files.write(dir.resolve("write.bin"), fromTools);
            tools("tpm2_nvwrite", "-Q", "-C", "0x01500020", "-P", "interop", "-i", "write.bin", "0x01500020");
            withTpm(tpm -> assertArrayEquals(fromTools, tpm.nvRead(index, password)));
            String tpmName = tools("tpm2_nvreadpublic", "0x01500020");
            withTpm(tpm -> {
                String hex = java.util.HexFormat.of().formatHex(tpm.nvReadPublic(index).nvName());
                assertTrue(tpmName.contains(hex), hex + " in\n" + tpmName);
            });
        } finally {
            withTpm(tpm -> tpm.nvUndefine(index));
        }
    }
}
