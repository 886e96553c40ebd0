package io.tpm4j.api.wire;

import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.TpmCc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The hex dump of a command or response for TRACE logs, with secrets left out: every password and HMAC of the
 * authorisation area is shown as its length only, and so are a command's first sized parameter (where
 * inSensitive, NV data, new authValues and buffers to hash or HMAC travel), every parameter of a command that
 * carries secrets further on, and every parameter of a response that returns secrets (Unseal, NV_Read,
 * GetRandom, decryption, HMAC, ECDH...). Headers, handles, nonces, session attributes and response codes are
 * shown. A frame that does not parse is shown as its header and length.
 *
 * <p>Setting the system property {@value #SHOW_SECRETS} to {@code true} dumps frames whole, secrets included,
 * for debugging on a test TPM; a warning is logged the first time that happens.
 */
public final class TraceDump {

    /** The system property that, set to {@code true}, turns redaction off. */
    public static final String SHOW_SECRETS = "tpm4j.trace.secrets";

    private static final Logger log = LoggerFactory.getLogger("io.tpm4j.api.Tpm");
    private static final AtomicBoolean warned = new AtomicBoolean();
    private static final HexFormat HEX = HexFormat.of();

    /** Commands whose secrets are not (only) in the first parameter: every parameter is left out. */
    private static final Set<TpmCc> SECRET_PARAMETERS = EnumSet.of(TpmCc.IMPORT, TpmCc.ENCRYPT_DECRYPT,
            TpmCc.ENCRYPT_DECRYPT_2, TpmCc.LOAD_EXTERNAL, TpmCc.DUPLICATE);

    /** Commands whose response parameters may be secret: every response parameter is left out. */
    private static final Set<TpmCc> SECRET_RESPONSES = EnumSet.of(TpmCc.UNSEAL, TpmCc.NV_READ, TpmCc.GET_RANDOM,
            TpmCc.RSA_DECRYPT, TpmCc.ECC_DECRYPT, TpmCc.ENCRYPT_DECRYPT, TpmCc.ENCRYPT_DECRYPT_2, TpmCc.HMAC,
            TpmCc.SEQUENCE_COMPLETE, TpmCc.DUPLICATE, TpmCc.ECDH_ZGEN, TpmCc.ECDH_KEY_GEN, TpmCc.ZGEN_2PHASE,
            TpmCc.ACTIVATE_CREDENTIAL, TpmCc.ENCAPSULATE, TpmCc.DECAPSULATE);

    private TraceDump() {
    }

    /** Whether dumps are whole, secrets included ({@value #SHOW_SECRETS}). */
    public static boolean showsSecrets() {
        if (!Boolean.getBoolean(SHOW_SECRETS)) {
            return false;
        }
        if (warned.compareAndSet(false, true)) {
            log.warn("{}=true: TRACE dumps of TPM commands and responses include passwords and secret parameters",
                    SHOW_SECRETS);
        }
        return true;
    }

    /**
     * A command frame: header, {@code handleCount} handles, the authorisation area when the tag says there is
     * one, then the parameters; {@code firstParameterSized} tells whether the first parameter is a TPM2B.
     */
    public static String command(byte[] frame, int handleCount, boolean firstParameterSized) {
        return dump(frame, () -> redactCommand(frame, handleCount, firstParameterSized));
    }

    /**
     * A response frame to the command {@code commandCode}: header, the handle when {@code returnsHandle} and
     * the command succeeded, then parameters and authorisation area.
     */
    public static String response(byte[] frame, int commandCode, boolean returnsHandle) {
        return dump(frame, () -> redactResponse(frame, commandCode, returnsHandle));
    }

    /** The whole frame when asked for, else the redacted one; a log line never throws. */
    private static String dump(byte[] frame, Supplier<String> redacted) {
        if (showsSecrets()) {
            return HEX.formatHex(frame);
        }
        try {
            return redacted.get();
        } catch (RuntimeException malformed) {
            return fallback(frame); // the parsing above is bounds-checked; this is a last guard for the log
        }
    }

    private static String redactCommand(byte[] frame, int handleCount, boolean firstParameterSized) {
        Cursor in = Cursor.over(frame);
        if (in == null) {
            return fallback(frame);
        }
        for (int i = 0; i < handleCount; i++) {
            if (!in.hex(4)) {
                return fallback(frame);
            }
        }
        if (BigEndian.u16(frame, 0) == TpmHeader.ST_SESSIONS) {
            if (!in.has(4)) {
                return fallback(frame);
            }
            int authEnd = in.at + 4 + BigEndian.u32(frame, in.at);
            in.hex(4);
            if (authEnd < in.at || authEnd > frame.length || !authorizations(in, authEnd, true)) {
                return fallback(frame);
            }
        }
        int remaining = frame.length - in.at;
        TpmCc code = TpmCc.of(BigEndian.u32(frame, 6)).orElse(null);
        if (code == null || SECRET_PARAMETERS.contains(code)) {
            return in.left("parameters", remaining).toString(); // an unknown command's parameters are unknown too
        }
        if (!firstParameterSized) {
            return in.rest();
        }
        if (!in.has(2) || !in.has(2 + BigEndian.u16(frame, in.at))) {
            return in.left("parameters", remaining).toString();
        }
        int size = BigEndian.u16(frame, in.at);
        in.at += 2 + size;
        return in.left("sized parameter", size).rest();
    }

    private static String redactResponse(byte[] frame, int commandCode, boolean returnsHandle) {
        Cursor in = Cursor.over(frame);
        if (in == null) {
            return fallback(frame);
        }
        if (BigEndian.u32(frame, 6) != 0) {
            int after = frame.length - in.at;
            return after == 0 ? in.toString() : in.left("after an error", after).toString();
        }
        if (returnsHandle && !in.hex(4)) {
            return fallback(frame);
        }
        boolean secret = TpmCc.of(commandCode).map(SECRET_RESPONSES::contains).orElse(true);
        if (BigEndian.u16(frame, 0) != TpmHeader.ST_SESSIONS) {
            return secret ? in.left("parameters", frame.length - in.at).toString() : in.rest();
        }
        if (!in.has(4)) {
            return fallback(frame);
        }
        int parameterSize = BigEndian.u32(frame, in.at);
        in.hex(4);
        if (parameterSize < 0 || !in.has(parameterSize)) {
            return fallback(frame);
        }
        if (secret) {
            in.left("parameters", parameterSize);
            in.at += parameterSize;
        } else {
            in.hex(parameterSize);
        }
        return authorizations(in, frame.length, false) ? in.toString() : fallback(frame);
    }

    /**
     * TPMS_AUTH_COMMAND (session handle, nonce, attributes, hmac) or TPMS_AUTH_RESPONSE (nonce, attributes,
     * hmac) up to {@code end}, each hmac or password shown as its length; false when they do not fit.
     */
    private static boolean authorizations(Cursor in, int end, boolean command) {
        while (in.at < end) {
            boolean password = false;
            if (command) {
                if (in.at + 4 > end) {
                    return false;
                }
                password = BigEndian.u32(in.frame, in.at) == Authorization.TPM_RS_PW;
                in.hex(4);
            }
            if (in.at + 2 > end) {
                return false;
            }
            int nonceEnd = in.at + 2 + BigEndian.u16(in.frame, in.at);
            if (nonceEnd + 3 > end) {
                return false;
            }
            in.hex(nonceEnd - in.at);
            in.hex(1);
            int size = BigEndian.u16(in.frame, in.at);
            if (in.at + 2 + size > end) {
                return false;
            }
            in.left(password ? "password" : "hmac", size);
            in.at += 2 + size;
        }
        return true;
    }

    /** The header (or what there is of it) and the length of the rest. */
    private static String fallback(byte[] frame) {
        int header = Math.min(frame.length, TpmHeader.SIZE);
        String shown = HEX.formatHex(frame, 0, header);
        return frame.length > header ? shown + " <unparsed: " + (frame.length - header) + " bytes>" : shown;
    }

    /** A read position in a frame whose header is there, and the dump so far. */
    private static final class Cursor {
        private final byte[] frame;
        private final StringBuilder out;
        private int at;

        private Cursor(byte[] frame) {
            this.frame = frame;
            this.out = new StringBuilder(2 * frame.length + 64);
        }

        /** A cursor over {@code frame} past its header, which is dumped; null when the frame is shorter. */
        static Cursor over(byte[] frame) {
            if (frame.length < TpmHeader.SIZE) {
                return null;
            }
            Cursor cursor = new Cursor(frame);
            cursor.hex(TpmHeader.SIZE);
            return cursor;
        }

        boolean has(int count) {
            return count >= 0 && count <= frame.length - at;
        }

        /** Dumps the next {@code count} bytes as one hex field; false when there are fewer. */
        boolean hex(int count) {
            if (!has(count)) {
                return false;
            }
            if (count > 0) {
                if (!out.isEmpty()) {
                    out.append(' ');
                }
                HEX.formatHex(out, frame, at, at + count);
            }
            at += count;
            return true;
        }

        /** Dumps {@code what} as its length only; does not move. */
        Cursor left(String what, int length) {
            out.append(" <").append(what).append(": ").append(length).append(" bytes>");
            return this;
        }

        /** Dumps the rest of the frame. */
        String rest() {
            hex(frame.length - at);
            return out.toString();
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
