package io.tpm4j.api.keys;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PEM private keys: what the JDK writes reads back; damaged, encrypted or foreign files fail, saying why. */
class PrivateKeyFilesTest {

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + label
                + "-----\n";
    }

    private static void refused(String pem, String expected) {
        KeyFileException e = assertThrows(KeyFileException.class, () -> PrivateKeyFiles.parse(pem));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void jdkRsaPkcs8ReadsBackWithItsPublicKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        KeyPair read = PrivateKeyFiles.parse(pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        assertArrayEquals(pair.getPublic().getEncoded(), read.getPublic().getEncoded());
        assertArrayEquals(pair.getPrivate().getEncoded(), read.getPrivate().getEncoded());
    }

    @Test
    void anEcKeyWithoutItsPublicPointIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        // The JDK's PKCS#8 leaves the optional public point out.
        refused(pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded()), "no public point");
    }

    @Test
    void hostileFilesFailWithAReason() {
        refused("nothing here", "no PRIVATE KEY");
        refused("-----BEGIN PRIVATE KEY-----\nMIIB\n", "without its END line");
        refused(pem("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0}), "encrypted");
        refused("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n-----END RSA PRIVATE KEY-----", "encrypted");
        refused("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----", "DER truncated");
        refused(pem("PRIVATE KEY", new byte[] {0x30, (byte) 0x84, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}),
                "but 0 are left");
        refused(pem("PRIVATE KEY", new byte[] {0x30, 0x00, 0x00}), "after the DER structure");
        refused(pem("EC PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}), "names no curve");
        refused(pem("PRIVATE KEY", new byte[] {0x30, 0x0B, 0x02, 0x01, 0x00, 0x30, 0x03, 0x06, 0x01, 0x2A, 0x04,
                0x01, 0x00}), "only RSA and EC");
        refused("x".repeat(PrivateKeyFiles.MAX_FILE_BYTES + 1), "more than a key file's");
    }
}
