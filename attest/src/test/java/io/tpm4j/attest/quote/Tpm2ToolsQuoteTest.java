package io.tpm4j.attest.quote;

import io.tpm4j.api.CommandTimeouts;
import io.tpm4j.api.PlatformHierarchy;
import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.transport.SocketTransport;
import io.tpm4j.api.types.PcrSelection;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.types.TpmHt;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.wire.TpmWriter;
import io.tpm4j.attest.PcrValues;
import io.tpm4j.ffi.Swtpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.tpm4j.attest.quote.Attestations.NONCE;
import static io.tpm4j.attest.quote.QuoteVerifierTest.checks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quotes both ways between tpm4j and tpm2-tools on one swtpm (one connection at a time): tpm2_quote's files verify
 * in tpm4j, and tpm4j's quote passes tpm2_checkquote. Without a resource manager each tool leaves what it loads in
 * the TPM, so every tool is followed by flushes; afterwards the TPM must hold nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Tpm2ToolsQuoteTest {

    private static final int[] QUOTED = {0, 1, 2, 16};
    private static final String TOOLS_SELECTION = "sha256:0,1,2,16";

    @TempDir
    Path dir;
    private Swtpm swtpm;

    @BeforeEach
    void start() {
        swtpm = Swtpm.startSocketServer();
        withTpm(tpm -> {
            PlatformHierarchy.DISABLE.startupIfNeeded(tpm);
            tpm.pcrEvent(16, "measured before the quote".getBytes(StandardCharsets.US_ASCII));
            return null;
        });
    }

    @AfterEach
    void stop() {
        try {
            withTpm(tpm -> {
                assertEquals(List.of(), tpm.handles(TpmHt.TRANSIENT), "transient objects left in the TPM");
                assertEquals(List.of(), tpm.handles(TpmHt.PERSISTENT), "persistent objects left in the TPM");
                assertEquals(List.of(), tpm.loadedSessions(), "sessions left in the TPM");
                return null;
            });
        } finally {
            swtpm.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"ecc, ecdsa", "rsa, rsassa", "rsa, rsapss"})
    void tpm2QuoteVerifiesInTpm4j(String keyType, String scheme) throws Exception {
        tools("tpm2_createek", "-Q", "-c", "ek.ctx", "-G", keyType, "-u", "ek.pub");
        flush();
        tools("tpm2_createak", "-Q", "-C", "ek.ctx", "-c", "ak.ctx", "-G", keyType, "-g", "sha256", "-s", scheme,
                "-u", "ak.pub", "-f", "tss");
        flush();
        tools("tpm2_quote", "-Q", "-c", "ak.ctx", "-l", TOOLS_SELECTION, "-q", HexFormat.of().formatHex(NONCE),
                "-m", "quote.msg", "-s", "quote.sig", "-g", "sha256", "--scheme", scheme);
        flush();

        SignedAttestation quote = SignedAttestation.parse(read("quote.msg"), read("quote.sig"));
        AttestationKey ak = AttestationKey.parse(read("ak.pub"));
        PcrValues values = withTpm(QUOTE_VALUES);
        Verification v = QuoteVerifier.verify(quote, ak, NONCE, values);
        assertTrue(v.ok(), v.toString());

        assertEquals(List.of(Check.NONCE), checks(QuoteVerifier.verify(quote, ak, new byte[] {1}, values)));
        assertEquals(List.of(Check.SIGNATURE, Check.TYPE), checks(QuoteVerifier.verify(
                Attestations.withType(quote, Attestations.CERTIFY), ak, NONCE, values)));
    }

    /**
     * ECDSA and RSASSA AKs. Not RSAPSS: tpm2_checkquote 5.4 (OpenSSL 3.0) rejects RSAPSS quotes with swtpm's salt
     * length, tpm2_quote's own included ("Error validating signed message with public key provided").
     */
    static List<PublicArea> akTemplates() {
        return Attestations.akTemplates().filter(t -> !(t.parameters() instanceof PublicParameters.Rsa r
                && r.scheme().scheme() == TpmAlg.RSAPSS.value())).toList();
    }

    @ParameterizedTest
    @MethodSource("akTemplates")
    void tpm4jQuotePassesTpm2Checkquote(PublicArea akTemplate) throws Exception {
        SignedAttestation quote = withTpm(tpm -> {
            try (TpmObject ak = tpm.createPrimary(TpmRh.ENDORSEMENT, akTemplate)) {
                TpmWriter pub = new TpmWriter();
                ak.publicArea().writeSized(pub);
                write("ak.pub", pub.toByteArray());
                return SignedAttestation.of(tpm.quote(ak, NONCE, List.of(PcrSelection.of(TpmAlg.SHA256, QUOTED))));
            }
        });
        write("quote.msg", quote.attest());
        TpmWriter signature = new TpmWriter();
        quote.signature().write(signature);
        write("quote.sig", signature.toByteArray());
        PcrValues values = withTpm(QUOTE_VALUES);
        assertTrue(QuoteVerifier.verify(quote, AttestationKey.parse(read("ak.pub")), NONCE, values).ok());

        // tpm2_checkquote reads the values without their selection as the PCRs' digests one after the other.
        ByteArrayOutputStream concatenated = new ByteArrayOutputStream();
        for (int index : QUOTED) {
            concatenated.writeBytes(values.get(TpmAlg.SHA256, index).orElseThrow());
        }
        write("pcrs.bin", concatenated.toByteArray());
        String nonce = HexFormat.of().formatHex(NONCE);
        assertEquals(0, checkquote(nonce, "pcrs.bin").exitCode());

        // The same tool refuses another nonce and another PCR value: it does check what it is given.
        Result otherNonce = checkquote(HexFormat.of().formatHex(new byte[] {1, 2, 3}), "pcrs.bin");
        assertNotEquals(0, otherNonce.exitCode(), otherNonce.output());
        byte[] changed = concatenated.toByteArray();
        changed[changed.length - 1] ^= 1;
        write("changed.bin", changed);
        Result otherPcr = checkquote(nonce, "changed.bin");
        assertNotEquals(0, otherPcr.exitCode(), otherPcr.output());
        assertTrue(otherPcr.output().contains("PCR"), otherPcr.output());
    }

    private Result checkquote(String nonceHex, String pcrFile) throws Exception {
        return run("tpm2_checkquote", "-u", "ak.pub", "-m", "quote.msg", "-s", "quote.sig", "-f", pcrFile, "-l",
                TOOLS_SELECTION, "-g", "sha256", "-q", nonceHex);
    }

    private static final Function<Tpm, PcrValues> QUOTE_VALUES = tpm -> PcrValues.of(Map.of(TpmAlg.SHA256,
            tpm.pcrValues(TpmAlg.SHA256, QUOTED)));

    private <T> T withTpm(Function<Tpm, T> work) {
        try (Tpm tpm = Tpm.on(SocketTransport.connectUnix(swtpm.socketPath().orElseThrow(),
                CommandTimeouts.kernelDefaults()))) {
            return work.apply(tpm);
        }
    }

    /** Flushes what the last tool left loaded: its objects and its sessions. */
    private void flush() throws Exception {
        tools("tpm2_flushcontext", "-t");
        tools("tpm2_flushcontext", "-s");
    }

    private record Result(int exitCode, String output) {
    }

    private void tools(String... command) throws Exception {
        Result r = run(command);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ":\n" + r.output());
    }

    private Result run(String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("TPM2TOOLS_TCTI", "swtpm:path=" + swtpm.socketPath().orElseThrow());
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", argv) + " did not finish");
        }
        return new Result(p.exitValue(), output);
    }

    private byte[] read(String file) throws Exception {
        return Files.readAllBytes(dir.resolve(file));
    }

    private void write(String file, byte[] bytes) {
        try {
            Files.write(dir.resolve(file), bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
