package io.tpm4j.jca.der;

import java.util.Base64;

/**
 * PEM (RFC 7468, strict): exactly one block with the expected label, base64 lines between, nothing but whitespace
 * around it. Lenient parsers that skip what they do not understand are how two tools come to read one file
 * differently.
 */
public final class Pem {

    private static final int LINE = 64;

    private Pem() {
    }

    /** {@code der} as one PEM block under {@code label}, 64 characters a line, ending with a newline. */
    public static String encode(String label, byte[] der) {
        String body = Base64.getEncoder().encodeToString(der);
        StringBuilder out = new StringBuilder(body.length() + body.length() / LINE + 2 * label.length() + 40);
        out.append("-----BEGIN ").append(label).append("-----\n");
        for (int i = 0; i < body.length(); i += LINE) {
            out.append(body, i, Math.min(body.length(), i + LINE)).append('\n');
        }
        return out.append("-----END ").append(label).append("-----\n").toString();
    }

    /**
     * The DER inside the one PEM block of {@code text} labelled {@code label}.
     *
     * @param maxDer the most DER bytes accepted; longer text is refused before it is decoded
     */
    public static byte[] decode(String text, String label, int maxDer) throws DerException {
        if (text.length() > 2 * maxDer + 200) {
            throw new DerException("PEM: " + text.length() + " characters, too long for a " + label, -1);
        }
        String trimmed = text.strip();
        if (!trimmed.startsWith("-----BEGIN ")) {
            throw new DerException("PEM: the text does not start with a -----BEGIN line", -1);
        }
        int labelEnd = trimmed.indexOf("-----", 11);
        int lineEnd = trimmed.indexOf('\n');
        if (labelEnd < 0 || (lineEnd >= 0 && labelEnd > lineEnd)) {
            throw new DerException("PEM: the BEGIN line is not closed by -----", -1);
        }
        String found = trimmed.substring(11, labelEnd);
        if (!found.equals(label)) {
            throw new DerException("PEM: the label is '" + found + "', expected '" + label + "'", -1);
        }
        String footer = "-----END " + label + "-----";
        if (!trimmed.endsWith(footer)) {
            throw new DerException("PEM: the text does not end with " + footer, -1);
        }
        String body = trimmed.substring(labelEnd + 5, trimmed.length() - footer.length());
        if (body.contains("-----") || body.contains(":")) {
            throw new DerException("PEM: more than one block, or headers, inside the " + label + " block", -1);
        }
        StringBuilder base64 = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\n' && c != '\r' && c != ' ' && c != '\t') {
                base64.append(c);
            }
        }
        try {
            byte[] der = Base64.getDecoder().decode(base64.toString());
            if (der.length == 0) {
                throw new DerException("PEM: the " + label + " block is empty", -1);
            }
            return der;
        } catch (IllegalArgumentException e) {
            throw new DerException("PEM: the " + label + " block is not valid base64 (" + e.getMessage() + ")", -1);
        }
    }
}
