package io.tpm4j.api.wire;

import io.tpm4j.api.types.TpmCc;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceDumpTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final int TPM_RS_PW = 0x40000009;
    private static final int HMAC_SESSION = 0x02000003;
    private static final byte[] PASSWORD = bytes("a password of 27 characters");
    private static final byte[] SECRET = bytes("secret data, 24 bytes ok");
    private static final byte[] SESSION_HMAC = bytes("an hmac of thirty-two bytes here");
    private static final byte[] NONCE = bytes("nonce, shown");

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A command frame: header with the tag the authorisation area calls for, handles, area, parameters. */
    private static byte[] command(TpmCc code, int[] handles, byte[] authArea, Consumer<TpmWriter> parameters) {
        return command(code.value(), handles, authArea, parameters);
    }

    private static byte[] command(int code, int[] handles, byte[] authArea, Consumer<TpmWriter> parameters) {
        TpmWriter out = new TpmWriter().u16(authArea == null ? 0x8001 : 0x8002).u32(0).u32(code);
        Arrays.stream(handles).forEach(out::u32);
        if (authArea != null) {
            out.u32(authArea.length).bytes(authArea);
        }
        parameters.accept(out);
        byte[] frame = out.toByteArray();
        BigEndian.putU32(frame, 2, frame.length);
        return frame;
    }

    private static byte[] authCommand(int session, byte[] hmac) {
        return new TpmWriter().u32(session).tpm2b(NONCE).u8(1).tpm2b(hmac).toByteArray();
    }

    private static byte[] sessionResponse(int handle, byte[] parameters) {
        TpmWriter out = new TpmWriter().u16(0x8002).u32(0).u32(0);
        if (handle != 0) {
            out.u32(handle);
        }
        out.u32(parameters.length).bytes(parameters).tpm2b(NONCE).u8(1).tpm2b(SESSION_HMAC);
        byte[] frame = out.toByteArray();
        BigEndian.putU32(frame, 2, frame.length);
        return frame;
    }

    private static void assertHidden(String dump, byte[]... secrets) {
        for (byte[] secret : secrets) {
            assertFalse(dump.contains(HEX.formatHex(secret)), "secret in " + dump);
        }
    }

    @Test
    void aPasswordAndNvWriteDataShowAsTheirLengthsBetweenCodeHandlesAndOffset() {
        byte[] frame = command(TpmCc.NV_WRITE, new int[] {0x01500001, 0x01500001}, authCommand(TPM_RS_PW, PASSWORD),
                out -> out.tpm2b(SECRET).u16(0x0102));
        String dump = TraceDump.command(frame, 2, true);
        assertHidden(dump, PASSWORD, SECRET);
        assertEquals(HEX.formatHex(frame, 0, 10) + " 01500001 01500001 " + String.format("%08x", 12 + 2 * 2 + 1 + 27 + 4)
                + " 40000009 000c" + HEX.formatHex(NONCE) + " 01 <password: 27 bytes> <sized parameter: 24 bytes> 0102", dump);
    }

    @Test
    void everySessionsHmacShowsAsItsLength() {
        byte[] area = new TpmWriter().bytes(authCommand(HMAC_SESSION, SESSION_HMAC)).bytes(authCommand(TPM_RS_PW, PASSWORD))
                .toByteArray();
        String dump = TraceDump.command(command(TpmCc.UNSEAL, new int[] {0x80000001}, area, out -> { }), 1, false);
        assertHidden(dump, SESSION_HMAC, PASSWORD);
        assertTrue(dump.contains("0000015e 80000001 ") && dump.contains(" 02000003 ") && dump.contains(HEX.formatHex(NONCE)),
                dump);
        assertTrue(dump.contains("<hmac: 32 bytes>") && dump.contains("<password: 27 bytes>"), dump);
    }

    @Test
    void createsSensitiveDataIsHiddenAndItsTemplateShown() {
        byte[] template = {0x00, 0x08, 0x00, 0x0b};
        byte[] frame = command(TpmCc.CREATE, new int[] {0x80000000}, authCommand(TPM_RS_PW, new byte[0]),
                out -> out.tpm2b(w -> w.tpm2b(PASSWORD).tpm2b(SECRET)).tpm2b(template));
        String dump = TraceDump.command(frame, 1, true);
        assertHidden(dump, PASSWORD, SECRET);
        assertTrue(dump.endsWith("<password: 0 bytes> <sized parameter: 55 bytes> 0004" + HEX.formatHex(template)), dump);
    }

    @Test
    void commandsCarryingSecretsPastTheirFirstParameterAndUnknownCommandsShowNoParameters() {
        byte[] encryptDecrypt = command(TpmCc.ENCRYPT_DECRYPT, new int[] {0x80000001}, authCommand(TPM_RS_PW, PASSWORD),
                out -> out.u8(0).u16(0x0043).tpm2b(new byte[16]).tpm2b(SECRET));
        assertTrue(TraceDump.command(encryptDecrypt, 1, false).endsWith("<password: 27 bytes> <parameters: 47 bytes>"));
        byte[] vendor = command(0x2000_1000, new int[0], null, out -> out.tpm2b(SECRET));
        assertEquals(HEX.formatHex(vendor, 0, 10) + " <parameters: 26 bytes>", TraceDump.command(vendor, 0, true));
        byte[] plain = command(TpmCc.GET_CAPABILITY, new int[0], null, out -> out.u32(6).u32(0x100).u32(8));
        assertEquals(HEX.formatHex(plain, 0, 10) + " 000000060000010000000008", TraceDump.command(plain, 0, false));
    }

    @Test
    void secretResponsesShowNoParametersAndOthersShowThem() {
        byte[] outData = new TpmWriter().tpm2b(SECRET).toByteArray();
        String unseal = TraceDump.response(sessionResponse(0, outData), TpmCc.UNSEAL.value(), false);
        assertHidden(unseal, SECRET, SESSION_HMAC);
        assertTrue(unseal.endsWith(" 0000001a <parameters: 26 bytes> 000c" + HEX.formatHex(NONCE) + " 01 <hmac: 32 bytes>"),
                unseal);
        byte[] random = new TpmWriter().u16(0x8001).u32(36).u32(0).tpm2b(SECRET).toByteArray();
        assertEquals("80010000002400000000 <parameters: 26 bytes>", TraceDump.response(random, TpmCc.GET_RANDOM.value(), false));
        String load = TraceDump.response(sessionResponse(0x80000002, outData), TpmCc.LOAD.value(), true);
        assertTrue(load.contains(" 80000002 0000001a 0018" + HEX.formatHex(SECRET) + " "), load);
        assertHidden(load, SESSION_HMAC);
        assertEquals("80010000000a00000922", TraceDump.response(HEX.parseHex("80010000000a00000922"), TpmCc.UNSEAL.value(), false));
        assertEquals("8001000000100000098e <after an error: 6 bytes>",
                TraceDump.response(HEX.parseHex("8001000000100000098e000000000000"), TpmCc.LOAD.value(), false));
    }

    @Test
    void framesThatDoNotParseShowTheirHeaderAndLength() {
        byte[] frame = command(TpmCc.NV_WRITE, new int[] {0x01500001, 0x01500001}, authCommand(TPM_RS_PW, PASSWORD),
                out -> out.tpm2b(SECRET).u16(0));
        byte[] lyingAuthSize = frame.clone();
        BigEndian.putU32(lyingAuthSize, 18, 0x7fffffff);
        byte[] lyingPasswordSize = frame.clone();
        lyingPasswordSize[18 + 4 + 4 + 2 + NONCE.length + 1] = 0x7f;
        for (byte[] bad : List.of(lyingAuthSize, lyingPasswordSize, Arrays.copyOf(frame, 40))) {
            String dump = TraceDump.command(bad, 2, true);
            assertEquals(HEX.formatHex(bad, 0, 10) + " <unparsed: " + (bad.length - 10) + " bytes>", dump);
        }
        assertEquals("800200", TraceDump.command(HEX.parseHex("800200"), 0, false));
        assertEquals("80020000001300000000 <unparsed: 9 bytes>",
                TraceDump.response(HEX.parseHex("80020000001300000000ffffffff0000010000"), TpmCc.NV_READ.value(), false));
    }

    /** Random frames and mutations of valid ones: the dump never throws. */
    @Test
    void mutatedFramesNeverThrow() {
        Random random = new Random(0x7ace_d0e5L);
        List<byte[]> valid = List.of(
                command(TpmCc.NV_WRITE, new int[] {0x01500001, 0x01500001}, authCommand(TPM_RS_PW, PASSWORD),
                        out -> out.tpm2b(SECRET).u16(0)),
                command(TpmCc.IMPORT, new int[] {0x80000000}, authCommand(HMAC_SESSION, SESSION_HMAC),
                        out -> out.tpm2b(SECRET).tpm2b(SECRET)),
                sessionResponse(0, new TpmWriter().tpm2b(SECRET).toByteArray()),
                sessionResponse(0x80000001, new TpmWriter().tpm2b(SECRET).toByteArray()));
        TpmCc[] codes = TpmCc.values();
        for (int i = 0; i < 100_000; i++) {
            byte[] frame = mutate(random, valid.get(random.nextInt(valid.size())));
            if (random.nextInt(10) == 0) {
                frame = new byte[random.nextInt(64)];
                random.nextBytes(frame);
            }
            int code = random.nextInt(8) == 0 ? random.nextInt() : codes[random.nextInt(codes.length)].value();
            int handles = random.nextInt(5) - 1;
            assertTrue(TraceDump.command(frame, handles, random.nextBoolean()).length() >= 0);
            assertTrue(TraceDump.response(frame, code, random.nextBoolean()).length() >= 0);
        }
    }

    private static byte[] mutate(Random random, byte[] frame) {
        byte[] out = frame.clone();
        switch (random.nextInt(4)) {
            case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
            case 2 -> out = Arrays.copyOf(out, random.nextInt(out.length + 8));
            default -> {
                int at = random.nextInt(out.length - 1);
                out[at] = (byte) 0xff;
                out[at + 1] = (byte) 0xff;
            }
        }
        return out;
    }

    @Test
    void theOptInPropertyDumpsWholeFrames() {
        byte[] frame = command(TpmCc.NV_WRITE, new int[] {0x01500001, 0x01500001}, authCommand(TPM_RS_PW, PASSWORD),
                out -> out.tpm2b(SECRET).u16(0));
        System.setProperty(TraceDump.SHOW_SECRETS, "true");
        try {
            assertTrue(TraceDump.showsSecrets());
            assertEquals(HEX.formatHex(frame), TraceDump.command(frame, 2, true));
            assertEquals(HEX.formatHex(frame), TraceDump.response(frame, TpmCc.UNSEAL.value(), false));
        } finally {
            System.clearProperty(TraceDump.SHOW_SECRETS);
        }
        assertFalse(TraceDump.showsSecrets());
        assertHidden(TraceDump.command(frame, 2, true), PASSWORD, SECRET);
    }
}
