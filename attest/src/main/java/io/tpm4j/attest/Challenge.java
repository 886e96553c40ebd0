package io.tpm4j.attest;

import io.tpm4j.api.commands.MakeCredential;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The verifier's message to the attester ({@link Pending#challenge()}): a fresh nonce for the quote, and a credential
 * that only the TPM holding the enrolled EK can activate, and only for the enrolled AK.
 *
 * @param nonce           the quote's qualifying data
 * @param credentialBlob  TPM2B_ID_OBJECT's contents: the encrypted secret and its integrity HMAC
 * @param encryptedSeed   TPM2B_ENCRYPTED_SECRET's contents: the seed protected to the EK
 */
public record Challenge(byte[] nonce, byte[] credentialBlob, byte[] encryptedSeed) {

    private static final String MAGIC = "T4CH";
    /** The largest nonce: TPM2B_DATA holds at most the largest digest (SHA-512). */
    public static final int MAX_NONCE_BYTES = 64;
    /** The largest credential blob or encrypted seed: an RSA-4096 EK's seed, with room. */
    public static final int MAX_CREDENTIAL_BYTES = 1024;
    public static final int MAX_BYTES = 5 + 3 * 4 + MAX_NONCE_BYTES + 2 * MAX_CREDENTIAL_BYTES;

    public Challenge {
        nonce = nonce.clone();
        credentialBlob = credentialBlob.clone();
        encryptedSeed = encryptedSeed.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] credentialBlob() {
        return credentialBlob.clone();
    }

    @Override
    public byte[] encryptedSeed() {
        return encryptedSeed.clone();
    }

    /** The credential, as TPM2_ActivateCredential takes it. */
    public MakeCredential.Response credential() {
        return new MakeCredential.Response(credentialBlob(), encryptedSeed());
    }

    public byte[] toBytes() {
        return Wire.start(MAGIC).bytes(nonce).bytes(credentialBlob).bytes(encryptedSeed).toBytes();
    }

    public static Challenge parse(byte[] message) throws MessageFormatException {
        Wire.In in = Wire.read(message, MAGIC, "a challenge", MAX_BYTES);
        byte[] nonce = in.bytes(MAX_NONCE_BYTES, "the nonce");
        byte[] blob = in.bytes(MAX_CREDENTIAL_BYTES, "the credential blob");
        byte[] seed = in.bytes(MAX_CREDENTIAL_BYTES, "the encrypted seed");
        in.end();
        return new Challenge(nonce, blob, seed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Challenge c && Arrays.equals(toBytes(), c.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "Challenge[nonce " + HexFormat.of().formatHex(nonce) + ", credential " + credentialBlob.length + "+"
                + encryptedSeed.length + " bytes]";
    }
}
