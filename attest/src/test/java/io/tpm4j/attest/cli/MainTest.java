package io.tpm4j.attest.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./tpm4j eventlog}: the events, the replayed PCRs as "BANK INDEX HEX", and its errors. */
class MainTest {

    private static final String KVM = "/io/tpm4j/attest/kvm/";

    @TempDir
    Path dir;

    @Test
    void pcrsPrintOneLinePerBankAndIndex() throws IOException {
        CommandRun run = run("--pcrs", copy("binary_bios_measurements"));

        assertEquals(0, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(4 * 8, lines.size());
        assertEquals("sha1 0 3a3f780f11a4b49969fcaa80cd6e3957c33b2275", lines.getFirst());
        assertTrue(lines.contains("sha256 4 1eb9aa21337cc1fa31ce5f56900d7bf59b9dda366823095aed06544caa2557ca"),
                run.out());
        assertTrue(lines.stream().allMatch(l -> l.matches("sha(1|256|384|512) [0-7] [0-9a-f]+")), run.out());
    }

    @Test
    void eventsPrintAHeaderLineEachWithTheirDigestsBelow() throws IOException {
        CommandRun run = run(copy("binary_bios_measurements"));

        assertEquals(0, run.status(), run.err());
        List<String> headers = run.out().lines().filter(l -> l.startsWith("#")).toList();
        assertEquals(14, headers.size());
        assertEquals("#0 PCR 0 EV_NO_ACTION Spec ID Event03: platform class 0, spec 2.0 errata 2, banks sha1 sha256"
                + " sha384 sha512", headers.get(0));
        assertEquals("#5 PCR 4 EV_ACTION \"Calling INT 19h\"", headers.get(5));
        assertEquals("#6 PCR 0 EV_SEPARATOR separator ffffffff", headers.get(6));
        assertEquals(1 + 13 * 4, run.out().lines().filter(l -> l.startsWith("  sha")).count());
    }

    @Test
    void imaListsPrintTheirEntriesAndPcr10() throws IOException {
        CommandRun pcrs = run("--ima", "--pcrs", copy("ima_ascii_runtime_measurements"));
        assertEquals(List.of("sha1 10 082b9d40e16ac85bac993a708adade7575ca7616",
                "sha256 10 0c0658d9d0cabe7211b2fea8b2f5d24a9a8179395b49555cc8e76f86630adb9f"), pcrs.out().lines().toList());

        CommandRun entries = run("--ima", copy("ima_binary_runtime_measurements"));
        assertEquals(65, entries.out().lines().count());
        assertEquals("#2 PCR 10 d92bbdef82bc4197fdaed8e65393c1f75cfebd74 ima-sig sha256:f5adb8bf0100ed0f8c7782ca5f92814e92"
                + "29525a4b4e0d401cf3bea09ac960a6 /newroot/usr/bin/dash", entries.out().lines().toList().get(2));
    }

    @Test
    void aBrokenLogExitsWith1NamingTheOffset() throws IOException {
        Path log = dir.resolve("log");
        byte[] real = resource("binary_bios_measurements");
        Files.write(log, Arrays.copyOf(real, real.length - 1));

        CommandRun run = run(log.toString());

        assertEquals(1, run.status());
        assertEquals("", run.out());
        assertEquals("tpm4j eventlog: " + log + ": TCG_PCR_EVENT2.EventSize is 4 but only 3 bytes follow (at byte"
                + " offset 2673)\n", run.err());
    }

    @Test
    void usageErrorsExitWith2AndAMissingFileWith1() {
        CommandRun extra = run("a", "b");
        assertEquals(2, extra.status());
        assertTrue(extra.err().startsWith("tpm4j eventlog: unexpected argument 'b'\nusage: ./tpm4j eventlog"), extra.err());
        assertEquals(2, run("--bogus").status());

        CommandRun missing = run(dir.resolve("none").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().startsWith("tpm4j eventlog: cannot read " + dir.resolve("none")), missing.err());
    }

    private String copy(String name) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, resource(name));
        return file.toString();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = MainTest.class.getResourceAsStream(KVM + name)) {
            return in.readAllBytes();
        }
    }

    private static CommandRun run(String... args) {
        return CommandRun.of(Main::run, args);
    }
}
