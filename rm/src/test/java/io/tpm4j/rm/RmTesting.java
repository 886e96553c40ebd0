package io.tpm4j.rm;

import io.tpm4j.api.Tpm;
import io.tpm4j.api.TpmObject;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmRh;
import io.tpm4j.api.crypto.PublicKeys;
import io.tpm4j.api.crypto.Signatures;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Helpers the RM tests share. */
final class RmTesting {

    private RmTesting() {
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A fresh ECC signing key (random, made by the TPM) under the owner's SRK, loaded; the SRK is flushed. */
    static TpmObject newSigningKey(Tpm tpm) {
        try (TpmObject srk = tpm.createPrimary(TpmRh.OWNER, Templates.srkEccP256())) {
            return tpm.load(srk, tpm.create(srk, Templates.eccSigningKey()));
        }
    }

    /** Signs a message with the key and checks the signature with the key's public part, in Java. */
    static void signAndVerify(Tpm tpm, TpmObject key, String message) {
        Signature signature = tpm.sign(key, sha256(message));
        assertTrue(Signatures.verify(PublicKeys.toPublicKey(key.publicArea()), signature,
                message.getBytes(StandardCharsets.UTF_8)), "signature by " + key + " does not verify");
    }

    /** The response code of a raw response. */
    static ResponseCode responseCode(byte[] response) {
        return new ResponseCode(((response[6] & 0xFF) << 24) | ((response[7] & 0xFF) << 16)
                | ((response[8] & 0xFF) << 8) | (response[9] & 0xFF));
    }

    static void assertRmRefusal(byte[] response, String expectedRc) {
        ResponseCode rc = responseCode(response);
        assertEquals(10, response.length, "a refusal is a bare 10-byte response");
        assertEquals(ResponseCode.RESOURCE_MANAGER_LAYER, rc.layer(), rc.toString());
        assertTrue(rc.describe().contains(expectedRc), rc.describe());
    }

    /** TPM2_GetRandom as raw bytes. */
    static byte[] getRandom(int count) {
        return io.tpm4j.rm.hostile.RawFrames.getRandom(count);
    }

    /** Sends a signal (STOP, CONT) to a process, such as swtpm, to make a TPM that does not answer. */
    static void signal(String signal, int pid) throws java.io.IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Integer.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal);
    }
}
