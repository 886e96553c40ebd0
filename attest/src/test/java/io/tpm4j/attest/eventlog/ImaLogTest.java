package io.tpm4j.attest.eventlog;

import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.attest.PcrMismatch;
import io.tpm4j.attest.PcrValues;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.tpm4j.attest.eventlog.LogBuilder.ascii;
import static io.tpm4j.attest.eventlog.LogBuilder.sha;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IMA list: the kernel VM's real lists (ima-sig, and ima) replayed to its PCR 10, and synthetic entries. */
class ImaLogTest {

    /** The kernel VM's kernel hashes into these banks; it has no sha384 or sha512 when IMA starts. */
    private static final TpmAlg[] HASHED = {TpmAlg.SHA1, TpmAlg.SHA256};
    private static final TpmAlg[] PADDED = {TpmAlg.SHA384, TpmAlg.SHA512};
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void realImaSigListsReplayToPcr10InEveryBank() throws EventLogException {
        checkRealLists(TestLogs.KVM, ImaTemplate.ImaSig.class);
    }

    @Test
    void realImaTemplateListsReplayToPcr10InEveryBank() throws EventLogException {
        checkRealLists(TestLogs.KVM_IMA_TEMPLATE, ImaTemplate.Ima.class);
    }

    private static void checkRealLists(String dir, Class<? extends ImaTemplate> template) throws EventLogException {
        PcrValues pcr10 = TestLogs.capturedPcrs(dir).only(Set.of(10));
        PcrValues hashed = TestLogs.banks(pcr10, HASHED);
        PcrValues padded = TestLogs.banks(pcr10, PADDED);
        ImaLog binary = ImaLog.parse(TestLogs.resource(dir + TestLogs.IMA_BINARY));
        ImaLog ascii = ImaLog.parse(TestLogs.resource(dir + TestLogs.IMA_ASCII));

        assertEquals(ImaLog.Format.BINARY, binary.format());
        assertEquals(ImaLog.Format.ASCII, ascii.format());
        assertEquals(65, binary.entries().size());
        for (ImaLog log : List.of(binary, ascii)) {
            assertEquals(List.of(), log.replay(HASHED).compare(hashed), log.format().toString());
            assertEquals(hashed, log.replay(HASHED).values());
            assertEquals(padded, log.replayPaddedSha1(PADDED).values());
            assertEquals(2, log.replay(PADDED).compare(padded).size(), "sha384 and sha512 were not hashed");
            assertTrue(log.entries().stream().allMatch(e -> template.isInstance(e.template())
                    && e.digestMatchesData() && !e.isViolation() && e.pcrIndex() == 10));
        }
        for (int i = 0; i < binary.entries().size(); i++) {
            ImaEntry b = binary.entries().get(i);
            ImaEntry a = ascii.entries().get(i);
            assertArrayEquals(b.hashedData(), a.hashedData(), "entry " + i + ": the ASCII line rebuilds the bytes");
            assertArrayEquals(b.templateDigest(), a.templateDigest());
            assertEquals(b.templateName(), a.templateName());
        }
        assertEquals("boot_aggregate", fileName(binary.entries().getFirst().template()));
    }

    @Test
    void realImaSigEntriesDecode() throws EventLogException {
        List<ImaEntry> entries = ImaLog.parse(TestLogs.resource(TestLogs.KVM + TestLogs.IMA_BINARY)).entries();
        ImaTemplate.ImaSig dash = (ImaTemplate.ImaSig) entries.get(2).template();
        assertEquals("sha256", dash.hashAlgorithm());
        assertEquals("/newroot/usr/bin/dash", dash.fileName());
        assertEquals("f5adb8bf0100ed0f8c7782ca5f92814e9229525a4b4e0d401cf3bea09ac960a6", HEX.formatHex(
                dash.fileDigest()));
        assertEquals(0, dash.signature().length);
    }

    @Test
    void aChangedFileNameShowsInTheReplayAndInTheEntry() throws EventLogException {
        String list = new String(TestLogs.resource(TestLogs.KVM + TestLogs.IMA_ASCII), StandardCharsets.ISO_8859_1);
        ImaLog tampered = ImaLog.parse(list.replace("/newroot/usr/bin/dash", "/newroot/usr/bin/bash")
                .getBytes(StandardCharsets.ISO_8859_1));

        assertFalse(tampered.entries().get(2).digestMatchesData());
        List<PcrMismatch<ImaEntry>> mismatches = tampered.replay()
                .compare(TestLogs.banks(TestLogs.capturedPcrs(TestLogs.KVM).only(Set.of(10)), HASHED));
        assertEquals(2, mismatches.size(), "SHA-1 and SHA-256 both replay the data, not the listed digest");
        assertEquals(65, mismatches.getFirst().events().size());
    }

    @Test
    void violationsExtendAllOnesAndEveryTemplateReplays() throws EventLogException {
        ImaList list = new ImaList()
                .ng("ima-ng", "sha256", sha(TpmAlg.SHA256, ascii("a")), "/bin/a b")
                .violation("/var/log/written")
                .buf("kexec-cmdline", ascii("root=/dev/vda console=ttyS0"))
                .sig("/usr/bin/signed", HEX.parseHex("030204aabbccdd"))
                .other();

        for (ImaLog log : List.of(ImaLog.parseBinary(list.binary()), ImaLog.parseAscii(list.asciiList()))) {
            String form = log.format().toString();
            List<ImaEntry> entries = log.entries();
            assertEquals(new ImaTemplate.ImaNg("sha256", sha(TpmAlg.SHA256, ascii("a")), "/bin/a b").toString()
                    .replaceAll("\\[B@\\w+", ""), entries.get(0).template().toString().replaceAll("\\[B@\\w+", ""));
            assertTrue(entries.get(1).isViolation(), form);
            ImaTemplate.ImaBuf buf = assertInstanceOf(ImaTemplate.ImaBuf.class, entries.get(2).template(), form);
            assertEquals("kexec-cmdline", buf.name());
            assertArrayEquals(ascii("root=/dev/vda console=ttyS0"), buf.buffer());
            ImaTemplate.ImaSig sig = assertInstanceOf(ImaTemplate.ImaSig.class, entries.get(3).template(), form);
            assertArrayEquals(HEX.parseHex("030204aabbccdd"), sig.signature());
            assertTrue(entries.stream().allMatch(ImaEntry::digestMatchesData), form);
            PcrValues replayed = log.replay(TpmAlg.SHA1).values();
            assertArrayEquals(list.expected(TpmAlg.SHA1), replayed.get(TpmAlg.SHA1, 10).orElseThrow(), form);
        }
        ImaLog binary = ImaLog.parseBinary(list.binary());
        assertInstanceOf(ImaTemplate.Other.class, binary.entries().get(4).template());
        assertEquals(PcrValues.of(Map.of(TpmAlg.SHA1, Map.of(10, list.expected(TpmAlg.SHA1)), TpmAlg.SHA256,
                Map.of(10, list.expected(TpmAlg.SHA256)))), binary.replay().values());
    }

    @Test
    void anUnknownTemplateFromTheAsciiListReplaysOnlyInSha1() throws EventLogException {
        ImaList list = new ImaList().ng("ima-ng", "sha1", new byte[20], "/x").other();
        ImaLog ascii = ImaLog.parseAscii(list.asciiList());

        assertEquals(new ImaTemplate.AsciiOnly("0102 0304"), ascii.entries().get(1).template());
        assertArrayEquals(list.expected(TpmAlg.SHA1), ascii.replay(TpmAlg.SHA1).values().get(TpmAlg.SHA1, 10)
                .orElseThrow());
        EventLogException e = assertThrows(EventLogException.class, () -> ascii.replay(TpmAlg.SHA256));
        assertTrue(e.getMessage().contains("IMA entry 1 (template my-template, from the ASCII list) cannot be"
                + " rebuilt to hash into the sha256 bank"), e.getMessage());
        assertEquals(ascii.entries().get(1).offset(), e.offset());
    }

    @Test
    void singleDigitPcrsArePaddedInTheAsciiList() throws EventLogException {
        ImaList list = new ImaList().pcr(9).ng("ima-ng", "sha256", new byte[32], "/nine");
        byte[] ascii = list.asciiList();
        assertEquals(' ', ascii[0]);
        assertEquals(9, ImaLog.parse(ascii).entries().getFirst().pcrIndex());
    }

    @Test
    void malformedListsNameTheOffsetAndTheProblem() {
        byte[] real = TestLogs.resource(TestLogs.KVM + TestLogs.IMA_BINARY);
        ParseErrors.expectIma(Arrays.copyOf(real, 50), 35, "IMA template data length is 67 but only 11 bytes follow");
        byte[] longName = new LogBuilder().u32(10).bytes(new byte[20]).u32(100).build();
        ParseErrors.expectIma(longName, 24, "IMA template name length is 100, more than 15");
        byte[] pcr99 = new LogBuilder().u32(99).build();
        ParseErrors.expectIma(pcr99, 0, "IMA entry PCR is 99, more than 23");
        byte[] badName = new LogBuilder().u32(10).bytes(new byte[20]).u32(3).bytes(new byte[] {'a', 0, 'b'}).build();
        ParseErrors.expectIma(badName, 24, "is not a template's name");
        byte[] fields = new LogBuilder().u32(10).bytes(new byte[20]).u32(6).bytes(ascii("ima-ng")).u32(8).u32(4)
                .bytes(ascii("abcd")).build();
        ParseErrors.expectIma(fields, 38, "template ima-ng has 2 fields, not 1");
        ParseErrors.expectIma(ascii("10 " + "ab".repeat(20) + " ima-ng sha256:zz /x\n"), 3 + 41 + 7,
                "the file digest is not hex: 'zz'");
        ParseErrors.expectIma(ascii("10 " + "ab".repeat(20) + " ima-ng sha1:00 /x"), 0, "no line end");
        ParseErrors.expectIma(ascii("99 " + "ab".repeat(20) + " ima-ng sha1:00 /x\n"), 3,
                "the PCR '99' is not a PCR index below 24");
        ParseErrors.expectIma(ascii("10 abcd ima-ng sha1:00 /x\n"), 8, "the template digest has 2 bytes, not 20");
    }

    private static String fileName(ImaTemplate template) {
        return switch (template) {
            case ImaTemplate.ImaSig t -> t.fileName();
            case ImaTemplate.Ima t -> t.fileName();
            default -> throw new AssertionError(template);
        };
    }
}
