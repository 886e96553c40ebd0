package io.tpm4j.api;

import io.tpm4j.api.commands.PcrExtend;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TaggedDigest;
import io.tpm4j.api.types.TpmAlg;
import io.tpm4j.api.wire.TpmHeader;
import io.tpm4j.api.wire.TpmWriter;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command frame with a password authorisation, and hostile session responses. */
class FramingTest {

    private static final PcrExtend EXTEND = new PcrExtend(16, Authorization.password(new byte[] {1, 2}),
            List.of(new TaggedDigest(TpmAlg.SHA1, new byte[20])));

    private static byte[] sessionResponse(int parameterSize, byte[] parameters, byte[] authArea) {
        TpmWriter w = new TpmWriter().u16(TpmHeader.ST_SESSIONS).u32(0).u32(0).u32(parameterSize).bytes(parameters)
                .bytes(authArea);
        return w.u32At(2, w.size()).toByteArray();
    }

    /** TPMS_AUTH_RESPONSE of a password session: empty nonce, continueSession, empty hmac. */
    private static final byte[] PASSWORD_ACK = new TpmWriter().u16(0).u8(1).u16(0).toByteArray();

    @Test
    void commandCarriesTheAuthorisationAreaAsPart1Says() {
        AtomicReference<byte[]> sent = new AtomicReference<>();
        Tpm.on(command -> {
            sent.set(command);
            return sessionResponse(0, new byte[0], PASSWORD_ACK);
        }).execute(EXTEND);
        String expected = "8002" + "00000037" + "00000182" + "00000010"   // header, PCR handle
                + "0000000b" + "40000009" + "0000" + "01" + "0002" + "0102" // auth area: TPM_RS_PW, nonce, attrs, hmac
                + "00000001" + "0004" + "00".repeat(20);                    // TPML_DIGEST_VALUES
        assertEquals(expected, HexFormat.of().formatHex(sent.get()));
    }

    @Test
    void parameterSizeBeyondTheResponse() {
        TpmProtocolException e = assertThrows(TpmProtocolException.class,
                () -> Tpm.on(c -> sessionResponse(999, new byte[0], PASSWORD_ACK)).execute(EXTEND));
        assertTrue(e.getMessage().startsWith("TPM2_PCR_Extend response: parameterSize 999"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(at byte offset 10)"), e.getMessage());
        assertEquals(10, e.offset());
    }

    @Test
    void missingOrExtraAuthorisationResponses() {
        assertThrows(TpmProtocolException.class, () -> Tpm.on(c -> sessionResponse(0, new byte[0], new byte[0]))
                .execute(EXTEND));
        byte[] two = new TpmWriter().bytes(PASSWORD_ACK).bytes(PASSWORD_ACK).toByteArray();
        assertThrows(TpmProtocolException.class, () -> Tpm.on(c -> sessionResponse(0, new byte[0], two)).execute(EXTEND));
    }

    @Test
    void sessionCommandAnsweredWithoutSessionsIsAProtocolError() {
        byte[] noSessions = new TpmWriter().u16(TpmHeader.ST_NO_SESSIONS).u32(10).u32(0).toByteArray();
        TpmProtocolException e = assertThrows(TpmProtocolException.class, () -> Tpm.on(c -> noSessions).execute(EXTEND));
        assertTrue(e.getMessage().contains("expected 0x8002"), e.getMessage());
    }

    @Test
    void passwordsStayOutOfToString() {
        assertEquals("Password[2 bytes]", Authorization.password(new byte[] {1, 2}).toString());
    }
}
