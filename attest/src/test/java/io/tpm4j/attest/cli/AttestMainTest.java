package io.tpm4j.attest.cli;

import io.tpm4j.attest.ek.ProvisionedSwtpm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./tpm4j attest}: the flow on a provisioned swtpm, trusted or rejected with its reasons, and its errors. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AttestMainTest {

    @TempDir
    Path dir;

    @Test
    void aProvisionedSwtpmIsTrustedAndNamed() {
        CommandRun run = run("--swtpm");

        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("\nverdict: trusted\n  TPM: manufacturer id:00001014, model swtpm, version"
                + " id:20191023\n"), run.out());
        assertTrue(run.out().contains("    sha256 0 " + "00".repeat(32) + "\n"), run.out());
        assertTrue(run.out().contains("    sha256 7 "), run.out());
    }

    @Test
    void rootsThatDidNotIssueTheEkCertificateRejectIt() throws Exception {
        Path root = dir.resolve("other-root.pem");
        ProvisionedSwtpm.run(dir.resolve("openssl.log"), "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.resolve("other.key").toString(), "-out",
                root.toString(), "-subj", "/CN=another CA", "-days", "1");

        CommandRun run = run("--swtpm", "--roots", root.toString());

        assertEquals(1, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("\nverdict: rejected, 1 reason(s)\n  EK: EK certificate: CHAIN: "), run.out());
    }

    @Test
    void usageErrorsExitWith2AndAMissingDeviceWith1() {
        assertEquals(2, run("--device").status());
        assertEquals(2, run("--swtpm", "--device", "/dev/tpmrm0").status());
        CommandRun bogus = run("--bogus");
        assertEquals(2, bogus.status());
        assertTrue(bogus.err().startsWith("tpm4j attest: unexpected argument '--bogus'\nusage: ./tpm4j attest"),
                bogus.err());

        CommandRun missing = run("--device", dir.resolve("tpm9").toString());
        assertEquals(1, missing.status());
        assertEquals("tpm4j attest: no TPM at " + dir.resolve("tpm9") + " (give --device PATH, or --swtpm for a"
                + " software TPM)\n", missing.err());
        CommandRun noRoots = run("--swtpm", "--roots", dir.resolve("none.pem").toString());
        assertEquals(1, noRoots.status());
        assertEquals("tpm4j attest: cannot read the roots file " + dir.resolve("none.pem") + "\n", noRoots.err());
    }

    private static CommandRun run(String... args) {
        return CommandRun.of(AttestMain::run, args);
    }
}
