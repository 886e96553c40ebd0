package io.tpm4j.api.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Private keys from PEM files, as OpenSSL writes them: PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey}
 * writes) and the traditional forms {@code BEGIN RSA PRIVATE KEY} (PKCS#1) and {@code BEGIN EC PRIVATE KEY} (RFC
 * 5915), unencrypted. The result is a key pair: an RSA key's public half comes from its own modulus and exponent, an EC
 * key's from the public point the file carries (OpenSSL always writes it). Give it to {@link SoftwareKey#of(KeyPair)}.
 */
public final class PrivateKeyFiles {

    /** Far above any RSA-4096 key file: a larger file is refused before it is read. */
    public static final int MAX_FILE_BYTES = 64 * 1024;

    private static final byte[] RSA_ENCRYPTION = {0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01};
    private static final byte[] EC_PUBLIC_KEY = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};
    private static final byte[] VERSION_0 = {Der.INTEGER, 1, 0};
    private static final byte[] DER_NULL = {Der.NULL, 0};
    /** ECPrivateKey's context-specific [0] parameters and [1] publicKey. */
    private static final int EC_PARAMETERS = 0xA0;
    private static final int EC_PUBLIC = 0xA1;

    private PrivateKeyFiles() {
    }

    /** The key pair in the PEM file at {@code file}. */
    public static KeyPair read(Path file) throws IOException, KeyFileException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new KeyFileException(file + " has " + size + " bytes, more than a key file's " + MAX_FILE_BYTES);
        }
        try {
            return parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (KeyFileException e) {
            throw new KeyFileException(file + ": " + e.getMessage(), e);
        }
    }

    /** The key pair in the first private key block of {@code pem} (other blocks, such as EC PARAMETERS, are skipped). */
    public static KeyPair parse(String pem) throws KeyFileException {
        if (pem.length() > MAX_FILE_BYTES) {
            throw new KeyFileException(pem.length() + " characters, more than a key file's " + MAX_FILE_BYTES);
        }
        for (String label : List.of("ENCRYPTED PRIVATE KEY", "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY")) {
            String begin = "-----BEGIN " + label + "-----";
            int start = pem.indexOf(begin);
            if (start < 0) {
                continue;
            }
            int end = pem.indexOf("-----END " + label + "-----", start);
            if (end < 0) {
                throw new KeyFileException("a " + label + " block without its END line");
            }
            String body = pem.substring(start + begin.length(), end);
            if (label.startsWith("ENCRYPTED") || body.contains("ENCRYPTED")) {
                throw new KeyFileException("the " + label + " is encrypted; decrypt it first (openssl pkey -in FILE)");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(body.strip());
            } catch (IllegalArgumentException e) {
                throw new KeyFileException("the " + label + " block is not Base64: " + e.getMessage(), e);
            }
            return switch (label) {
                case "PRIVATE KEY" -> fromPkcs8(der);
                case "RSA PRIVATE KEY" -> fromPkcs8(pkcs8(Der.write(Der.SEQUENCE, Der.write(Der.OID, RSA_ENCRYPTION),
                        DER_NULL), der));
                default -> fromPkcs8(pkcs8(Der.write(Der.SEQUENCE, Der.write(Der.OID, EC_PUBLIC_KEY),
                        ecCurve(der)), der));
            };
        }
        throw new KeyFileException("no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block in the PEM text");
    }

    /** PrivateKeyInfo { version 0, algorithm, privateKey OCTET STRING }. */
    private static byte[] pkcs8(byte[] algorithm, byte[] privateKey) {
        return Der.write(Der.SEQUENCE, VERSION_0, algorithm, Der.write(Der.OCTET_STRING, privateKey));
    }

    private static KeyPair fromPkcs8(byte[] der) throws KeyFileException {
        List<Der.Tlv> info = sequence(Der.parse(der), "PrivateKeyInfo");
        if (info.size() < 3 || info.get(1).tag() != Der.SEQUENCE || info.get(2).tag() != Der.OCTET_STRING) {
            throw new KeyFileException("not a PKCS#8 PrivateKeyInfo");
        }
        List<Der.Tlv> algorithm = sequence(info.get(1), "AlgorithmIdentifier");
        byte[] oid = algorithm.isEmpty() ? new byte[0] : algorithm.getFirst().content();
        try {
            if (Arrays.equals(oid, RSA_ENCRYPTION)) {
                PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
                if (!(key instanceof RSAPrivateCrtKey crt)) {
                    throw new KeyFileException("an RSA key without its CRT factors");
                }
                PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(),
                        crt.getPublicExponent()));
                return new KeyPair(pub, key);
            }
            if (Arrays.equals(oid, EC_PUBLIC_KEY)) {
                ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
                ECPoint w = ecPublicPoint(info.get(2).content(), (key.getParams().getCurve().getField().getFieldSize() + 7) / 8);
                PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, key.getParams()));
                return new KeyPair(pub, key);
            }
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new KeyFileException("the key does not decode: " + e.getMessage(), e);
        }
        throw new KeyFileException("a private key of algorithm OID " + java.util.HexFormat.of().formatHex(oid)
                + ": only RSA and EC keys are read");
    }

    /** The named curve's OID element in an ECPrivateKey's [0] parameters. */
    private static byte[] ecCurve(byte[] ecPrivateKey) throws KeyFileException {
        for (Der.Tlv field : sequence(Der.parse(ecPrivateKey), "ECPrivateKey")) {
            if (field.tag() == EC_PARAMETERS) {
                Der.Tlv curve = Der.parse(field.content());
                if (curve.tag() != Der.OID) {
                    throw new KeyFileException("the EC key's parameters are explicit, not a named curve");
                }
                return Der.write(Der.OID, curve.content());
            }
        }
        throw new KeyFileException("the EC PRIVATE KEY names no curve");
    }

    /** The uncompressed point in an ECPrivateKey's [1] publicKey BIT STRING. */
    private static ECPoint ecPublicPoint(byte[] ecPrivateKey, int coordinateBytes) throws KeyFileException {
        for (Der.Tlv field : sequence(Der.parse(ecPrivateKey), "ECPrivateKey")) {
            if (field.tag() == EC_PUBLIC) {
                Der.Tlv bits = Der.parse(field.content());
                byte[] point = bits.content();
                if (bits.tag() != Der.BIT_STRING || point.length != 2 + 2 * coordinateBytes || point[0] != 0
                        || point[1] != 0x04) {
                    throw new KeyFileException("the EC key's public point is not an uncompressed point of "
                            + coordinateBytes + "-byte coordinates");
                }
                return new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 2, 2 + coordinateBytes)),
                        new BigInteger(1, Arrays.copyOfRange(point, 2 + coordinateBytes, point.length)));
            }
        }
        throw new KeyFileException("the EC key carries no public point (write it with openssl, which includes it)");
    }

    private static List<Der.Tlv> sequence(Der.Tlv tlv, String what) throws KeyFileException {
        if (tlv.tag() != Der.SEQUENCE) {
            throw new KeyFileException(String.format("%s is tagged 0x%02x, not a SEQUENCE", what, tlv.tag()));
        }
        return tlv.children();
    }
}
