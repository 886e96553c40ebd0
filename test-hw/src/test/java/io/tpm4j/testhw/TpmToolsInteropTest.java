package io.tpm4j.testhw;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.types.NvAttributes;
import io.tpm4j.api.types.NvPublic;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmReader;
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
        // tpm2-tools' default ECC storage template: the provisioning-guidance attributes with an empty unique.
        tools("tpm2_createprimary", "-Q", "-C", "o", "-g", "sha256", "-G", "ecc256:null:aes128cfb", "-a",
                "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt", "-c", "srk.ctx");
        tools("tpm2_readpublic", "-Q", "-c", "srk.ctx", "-n", "srk.name", "-o", "srk.pub");
        tools("tpm2_flushcontext", "-t");
        byte[] toolsName = Files.readAllBytes(dir.resolve("srk.name"));
        PublicArea toolsPublic = PublicArea.readSized(new TpmReader(Files.readAllBytes(dir.resolve("srk.pub"))));
        assertArrayEquals(toolsName, toolsPublic.name(), "tpm4j computes the Name tpm2-tools reports");

        PublicArea template = new PublicArea(TpmAlg.SHA256, Templates.srkEccP256().attributes(), new byte[0],
                Templates.srkEccP256().parameters(), new PublicId.Ecc(new byte[0], new byte[0]));
        withTpm(tpm -> {
            try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, template)) {
                assertArrayEquals(toolsName, srk.name(), "the same template gives tpm4j the same key");
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
                org.junit.jupiter.api.Assertions.assertTrue(tpmName.contains(hex), hex + " in\n" + tpmName);
            });
        } finally {
            withTpm(tpm -> tpm.nvUndefine(index));
        }
    }
}
