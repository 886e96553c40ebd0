package io.tpm4j.api.session;

import io.tpm4j.api.CommandExecutor;
import io.tpm4j.api.RetryPolicy;
import io.tpm4j.api.TpmIntegrityException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.Hmac;
import io.tpm4j.api.commands.ReadPublic;
import io.tpm4j.api.commands.Sign;
import io.tpm4j.api.types.ObjectAttributes;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.PublicId;
import io.tpm4j.api.types.PublicParameters;
import io.tpm4j.api.types.Scheme;
import io.tpm4j.api.types.SensitiveCreate;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.TpmHeader;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session code against an HMAC-session exchange recorded on swtpm: {@link AuthSession} and
 * {@link CommandSessions} must send, byte for byte, the commands swtpm accepted (command HMACs over cpHash, the
 * first command parameter AES-CFB encrypted, nonces rolled) and must verify and decrypt swtpm's responses to the
 * values the JDK computes from keys chosen here. A wrong KDF label, nonce, HMAC input or encryption flag changes a
 * command or a decrypted value, and fails this test. It covers both session keys of Part 1: the HMAC key, which
 * leaves out the authValue of the entity the session is bound to, and the parameter-encryption key, which includes
 * it (the binding is ignored there).
 *
 * <p>Nothing in the exchange is random but what the recording fixes: the caller's nonces come from
 * {@link #fixedNonces()}, the session is unsalted and bound to {@link #KEY_A}, whose HMAC key bytes and authValue are
 * chosen here. {@link SessionReplayRecorder} created and loaded the two keys on a fresh swtpm, ran {@link #exchange}
 * through a transport that kept each command and response, and printed {@link #RECORDED}.
 */
class SessionReplayTest {

    private static final HexFormat HEX = HexFormat.of();

    /** The HMAC key bytes of key A, to which the session is bound; its authValue ends in a zero the TPM drops. */
    static final byte[] KEY_A = ascii("tpm4j session replay: HMAC key A");
    static final byte[] AUTH_A = ascii("auth of key A\0");
    /** Key B: the session is not bound to it, so its authValue joins the session key in its HMACs. */
    static final byte[] KEY_B = ascii("tpm4j session replay: HMAC key B");
    static final byte[] AUTH_B = ascii("auth of key B\0\0");

    static final byte[] MESSAGE_1 = ascii("first message, encrypted both ways");
    static final byte[] MESSAGE_2 = ascii("second message, after the nonces rolled");
    static final byte[] DIGEST = sha256(ascii("the digest TPM2_Sign signs with an HMAC key"));
    static final byte[] MESSAGE_B = ascii("a message for key B");

    /**
     * Keyed-hash HMAC-SHA-256 with the key bytes given by the caller (sensitiveDataOrigin clear); noDA, or the
     * first authorisation after startup would be answered TPM_RC_RETRY while the TPM notes that DA is in use.
     */
    static final PublicArea HMAC_KEY = new PublicArea(TpmAlg.SHA256, ObjectAttributes.of(ObjectAttributes.FIXED_TPM,
            ObjectAttributes.FIXED_PARENT, ObjectAttributes.USER_WITH_AUTH, ObjectAttributes.SIGN_ENCRYPT,
            ObjectAttributes.NO_DA), new byte[0],
            new PublicParameters.KeyedHash(Scheme.of(TpmAlg.HMAC, TpmAlg.SHA256)), new PublicId.Digest(new byte[0]));

    static SensitiveCreate sensitiveA() {
        return new SensitiveCreate(AUTH_A, KEY_A);
    }

    static SensitiveCreate sensitiveB() {
        return new SensitiveCreate(AUTH_B, KEY_B);
    }

    /** The caller's nonces of one run: SHA-256 of "nonceCaller n", n = 0, 1, ..., cut to the size asked for. */
    static IntFunction<byte[]> fixedNonces() {
        int[] next = {0};
        return size -> Arrays.copyOf(sha256(ascii("nonceCaller " + next[0]++)), size);
    }

    /** Where the loaded keys were, as the recording saw them. */
    record Keys(int handleA, byte[] nameA, int handleB, byte[] nameB) {
    }

    /** What the exchange returned, decrypted and verified by the session code. */
    record Results(byte[] hmac1, byte[] hmac2, Signature signature, ReadPublic.Response publicA, byte[] hmacB,
                   AuthSession session) {
    }

    /**
     * The recorded exchange: an HMAC session bound to key A with AES-128-CFB both ways (StartAuthSession, after the
     * ReadPublic for the bind Name), TPM2_HMAC twice on key A (first parameter encrypted both ways, nonces rolling),
     * TPM2_Sign on key A (the response's first parameter is not sized, so it comes in clear), TPM2_ReadPublic of key
     * A with the session as an extra session (no command parameter to encrypt; the public area comes encrypted),
     * TPM2_HMAC on key B (authValue in the HMAC key), and the session flushed.
     */
    static Results exchange(CommandExecutor tpm, Keys keys) {
        AuthSession session = AuthSession.start(tpm, Session.hmac(TpmAlg.SHA256).bound(keys.handleA(), AUTH_A)
                .encrypted(), fixedNonces());
        Authorization onA = Authorization.session(session, AUTH_A).forEntity(keys.nameA());
        int keyScheme = TpmAlg.NULL.value();
        byte[] hmac1 = tpm.execute(new Hmac(keys.handleA(), onA, MESSAGE_1, keyScheme)).outHmac();
        byte[] hmac2 = tpm.execute(new Hmac(keys.handleA(), onA, MESSAGE_2, keyScheme)).outHmac();
        Signature signature = tpm.execute(new Sign(keys.handleA(), onA, DIGEST, Scheme.NULL, Sign.nullTicket()))
                .signature();
        ReadPublic.Response publicA = tpm.execute(new ReadPublic(keys.handleA()), Map.of(keys.handleA(), keys.nameA()),
                List.of(session));
        Authorization onB = Authorization.session(session, AUTH_B).forEntity(keys.nameB());
        byte[] hmacB = tpm.execute(new Hmac(keys.handleB(), onB, MESSAGE_B, keyScheme)).outHmac();
        session.close();
        return new Results(hmac1, hmac2, signature, publicA, hmacB, session);
    }

    /** Checks what the exchange returned against what the JDK computes from the keys chosen here. */
    static void verify(Results results, Keys keys) {
        assertArrayEquals(jdkHmac(KEY_A, MESSAGE_1), results.hmac1(), "TPM2_HMAC 1, decrypted");
        assertArrayEquals(jdkHmac(KEY_A, MESSAGE_2), results.hmac2(), "TPM2_HMAC 2, decrypted");
        assertEquals(new Signature.Hmac(new TaggedDigest(TpmAlg.SHA256, jdkHmac(KEY_A, DIGEST))), results.signature(),
                "TPM2_Sign, in clear");
        PublicArea decrypted = results.publicA().outPublic();
        assertArrayEquals(keys.nameA(), decrypted.name(), "TPM2_ReadPublic's outPublic, decrypted, hashes to the Name");
        assertEquals(HMAC_KEY.attributes(), decrypted.attributes());
        assertEquals(HMAC_KEY.parameters(), decrypted.parameters());
        assertArrayEquals(jdkHmac(KEY_B, MESSAGE_B), results.hmacB(), "TPM2_HMAC on key B, decrypted");
        assertTrue(results.session().ended(), "closed");
    }

    @Test
    void theSessionCodeSendsTheRecordedCommandsAndDecryptsTheRecordedResponses() {
        Replay replay = new Replay(-1, -1);
        verify(exchange(new CommandExecutor(replay, RetryPolicy.none()), RECORDED_KEYS), RECORDED_KEYS);
        assertEquals(RECORDED.size(), replay.position, "every recorded command was sent");
    }

    /** The first TPM2_HMAC's place in the recording, after ReadPublic (the bind Name) and StartAuthSession. */
    private static final int FIRST_HMAC = 2;

    @Test
    void aFlippedBitInAResponseHmacIsRefused() {
        byte[] response = RECORDED.get(FIRST_HMAC).response();
        assertRefused(FIRST_HMAC, response.length - 1);
    }

    @Test
    void aTamperedEncryptedResponseParameterIsRefused() {
        // Header, parameterSize, the size of outHMAC, then its first encrypted byte.
        assertRefused(FIRST_HMAC, TpmHeader.SIZE + 4 + 2);
    }

    @Test
    void aTamperedNonceTpmIsRefused() {
        // The authorisation area ends with nonceTPM (32), sessionAttributes (1), hmac size (2) and hmac (32).
        byte[] response = RECORDED.get(FIRST_HMAC).response();
        assertRefused(FIRST_HMAC, response.length - 32 - 2 - 1 - 1);
    }

    @Test
    void aTamperedResponseInClearIsRefused() {
        int sign = FIRST_HMAC + 2;
        assertEquals("TPM2_Sign", RECORDED.get(sign).name());
        // The last byte of the HMAC signature, just before the authorisation area.
        assertRefused(sign, RECORDED.get(sign).response().length - 32 - 2 - 1 - 32 - 2 - 1);
    }

    private static void assertRefused(int exchange, int offset) {
        Replay replay = new Replay(exchange, offset);
        TpmIntegrityException e = assertThrows(TpmIntegrityException.class,
                () -> exchange(new CommandExecutor(replay, RetryPolicy.none()), RECORDED_KEYS));
        assertEquals(TpmHeader.commandCode(RECORDED.get(exchange).commandBytes()), e.commandCode());
        assertEquals(exchange + 1, replay.position, "refused at the tampered response");
    }

    /** One recorded command and the TPM's response, as hex (whitespace ignored). */
    record Recorded(String name, String commandHex, String responseHex) {
        byte[] commandBytes() {
            return HEX.parseHex(commandHex.replaceAll("\\s", ""));
        }

        byte[] response() {
            return HEX.parseHex(responseHex.replaceAll("\\s", ""));
        }
    }

    /**
     * Plays the TPM from {@link #RECORDED}: each command must equal the recorded one byte for byte, and gets the
     * recorded response, with one bit flipped at {@code tamperOffset} of exchange {@code tamperAt} (-1: none).
     */
    private static final class Replay implements TpmTransport {
        private final int tamperAt;
        private final int tamperOffset;
        int position;

        Replay(int tamperAt, int tamperOffset) {
            this.tamperAt = tamperAt;
            this.tamperOffset = tamperOffset;
        }

        @Override
        public byte[] transmit(byte[] command) {
            assertTrue(position < RECORDED.size(), "a command after the recorded exchange: " + HEX.formatHex(command));
            Recorded recorded = RECORDED.get(position);
            assertEquals(HEX.formatHex(recorded.commandBytes()), HEX.formatHex(command),
                    "command " + position + " (" + recorded.name() + ")");
            byte[] response = recorded.response();
            if (position == tamperAt) {
                response[tamperOffset] ^= 0x01;
            }
            position++;
            return response;
        }
    }

    static byte[] jdkHmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // Recorded by SessionReplayRecorder on swtpm; see the class comment.

    static final Keys RECORDED_KEYS = new Keys(
            0x80000001, HEX.parseHex("000b44babc917badb8a41117c3c57d10b9fdf104bee5c3f9846f1d2a338c181b50df"),
            0x80000002, HEX.parseHex("000b8de6a3bdb6acaf791fa8db196d709c93bce7058803a992779d1eb278b5de656d"));

    static final List<Recorded> RECORDED = List.of(
            new Recorded("TPM2_ReadPublic", """
                    80010000000e0000017380000001
                    """, """
                    8001000000840000000000300008000b0004045200000005000b00208355b344600e479f3c93ffe18f5676793bd8be7f
                    b03bd581224c2aecf30e4bda0022000b44babc917badb8a41117c3c57d10b9fdf104bee5c3f9846f1d2a338c181b50df
                    0022000ba39a1e3745062df18acd81f961770a37f484331e336584004ffa30d86186c95e
                    """),
            new Recorded("TPM2_StartAuthSession", """
                    80010000003f000001764000000780000001002085fa8c0c439b4cdf47e6936a86b3efde901bc954d663cc8ce4afe6e1
                    7e364847000000000600800043000b
                    """, """
                    80010000003000000000020000000020ef114de70cddae9b2a8a7cab1f5122aa33de36badf7c1613780f1371e90f04f5
                    """),
            new Recorded("TPM2_HMAC", """
                    800200000081000001558000000100000049020000000020c6cc7fbf7066277e756ece8a71dd877fa84a906db0da4d89
                    38f05e1c2f86f7f36100207c727bc5e2c005166e769030a1119d766160fd8e03cb7c003aa6381fc05a47470022391b0f
                    d46aad2681b7819040ad159f05b68d5ca334bd8d55be258343229aef5d7aa30010
                    """, """
                    800200000075000000000000002200206e6cc41bce4913f8b1a1536ecd198d26ccd7107a2a6e44d7497cefb7103e8242
                    0020d70e144726e0a57b7c6b3a40f372f8f553b95a6aa65dec22b314af1c04865c8e61002027a59ccb1147af017fe594
                    63b8c31ad4e19749f3ef9163a507553b7acd564286
                    """),
            new Recorded("TPM2_HMAC", """
                    80020000008600000155800000010000004902000000002049cb3e9e121cb59d583237e5dcdbe066727470d7886489d3
                    7cdb3627e893183c6100209c7c46bb7391fdc305e657625bd3c1dbe30aa381d83fa506f77a7dca22fd42f00027944646
                    d93a77556c2fb9aecc73168edd2104fb3a3842eff87d2af647aa9453e5c082b0e47cb9890010
                    """, """
                    8002000000750000000000000022002057e1587df46cd2f377fdcf1fa1cbaf6e5a1293f075b78a6b4f3b3b8fd8d7114c
                    002064738fbfafc9d36260f17040f9b714015599fb91b856af2c6610d654fce490d6610020219ea7700e590a3b9c6a9e
                    6806eeb9df6239c56f476fa191de57d4d59d8a5e63
                    """),
            new Recorded("TPM2_Sign", """
                    8002000000870000015d8000000100000049020000000020613c6838230059361a3c7a09946ee1bbb4c0522a7f223396
                    6f8a4ae3ec19348c2100207f8a9090e5343c0b1eebf221d4595c6169b56d0517e2719358c85634797de17c00206608ab
                    fab8b00c164e513148aca2b20781edca73ad6be69eb7eafb63902c18e600108024400000070000
                    """, """
                    80020000007700000000000000240005000bde6bb30199e912540013f1a975a3ede52dffab439bc1c1f4e7ab030ac885
                    07b80020bace4e6c38a50176f026277535cd363a787a43514d80eb8cb19dc1ad251fdebb21002015bf8f3948f456de64
                    aea22ed07d2ada9776ebe9941d153ea4c869a7f03e0ea4
                    """),
            new Recorded("TPM2_ReadPublic", """
                    80020000005b0000017380000001000000490200000000205d1190bffb2ccc89bc2ebbcdf95084b9f4cb06e4d4209364
                    eaa2cd7bae58e92e4100203aef952270dd37993c2c5c05adf594b1cfee30ca847fc4a08cf8f77e4de0df06
                    """, """
                    8002000000cd000000000000007a00305febca3c6e34a3637984c81e15a41c698a1a548c72a692e8c45333202b0e4496
                    7cd419b56c49a1acc5bb7eb0eb0c377b0022000b44babc917badb8a41117c3c57d10b9fdf104bee5c3f9846f1d2a338c
                    181b50df0022000ba39a1e3745062df18acd81f961770a37f484331e336584004ffa30d86186c95e00205da5fc85b971
                    29323c6edee5d470f32c8bbeef451c248076c406250d32d96192410020daabac067e26ac065e324000e10a000148a69f
                    0fc1285f09c13794f283aba3a0
                    """),
            new Recorded("TPM2_HMAC", """
                    800200000072000001558000000200000049020000000020787471d5425a86ea754d2f41a3d6a3d258e944316a604c69
                    e98cd325f85848c2610020449165a9daef8b0367d06380553de8d7b48dece9324a039232bdbc335312cb410013f3c1d1
                    c6162f1b22ffe4070fd5ed6630d183510010
                    """, """
                    80020000007500000000000000220020fd4573177e1351a4fbcb2b68792d0be9c2b1ace8cd8fbe4ba2d10a8e4c8ce209
                    00206a9a0491772619de20c642c0c871adace7974813828bbdb800a59e17319b43b76100208cb87dcbf8c383b9480c3e
                    da2e602fb2815c24ffce9637761834a1b288c93caa
                    """),
            new Recorded("TPM2_FlushContext", """
                    80010000000e0000016502000000
                    """, """
                    80010000000a00000000
                    """));
}
