package io.tpm4j.attest.quote;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.Attest;
import io.tpm4j.api.types.Signature;
import io.tpm4j.api.types.SignedAttest;
import io.tpm4j.api.wire.BigEndian;
import io.tpm4j.api.wire.TpmReader;

import java.util.Arrays;

/**
 * What a TPM signed and its signature, as the attester sent them: the TPMS_ATTEST bytes exactly as signed (the
 * contents of a TPM2B_ATTEST, what {@code tpm2_quote -m} writes) and the TPMT_SIGNATURE ({@code tpm2_quote -s}).
 * Nothing in it is trusted: the verifiers check it.
 */
public record SignedAttestation(byte[] attest, Signature signature) {

    /** The largest TPMS_ATTEST accepted: a TPM2B_ATTEST holds at most a few hundred bytes more than a quote. */
    public static final int MAX_ATTEST_BYTES = 4096;
    /** The largest TPMT_SIGNATURE accepted: an RSA-4096 signature, or an ECC one, with its headers. */
    public static final int MAX_SIGNATURE_BYTES = 2 * Signature.MAX_BYTES + 8;
    /** magic (4 bytes) and type (2): what must be there before anything else can be read. */
    private static final int HEADER_BYTES = 6;
    private static final int TYPE_OFFSET = 4;

    public SignedAttestation {
        attest = attest.clone();
    }

    @Override
    public byte[] attest() {
        return attest.clone();
    }

    /** What a tpm4j command returned ({@code Tpm.quote}, {@code Tpm.certify}, {@code AttestingCommand}). */
    public static SignedAttestation of(SignedAttest signed) {
        return new SignedAttestation(signed.attest().bytes(), signed.signature());
    }

    /**
     * Reads the two files {@code tpm2_quote -m} and {@code -s} (or {@code tpm2_certify -o} and {@code -s}) write:
     * the TPMS_ATTEST bytes, and a TPMT_SIGNATURE.
     */
    public static SignedAttestation parse(byte[] attest, byte[] signature) throws AttestationFormatException {
        bounded(attest.length, MAX_ATTEST_BYTES, "TPMS_ATTEST");
        bounded(signature.length, MAX_SIGNATURE_BYTES, "TPMT_SIGNATURE");
        try {
            TpmReader in = new TpmReader(signature);
            Signature parsed = Signature.read(in);
            in.expectEnd("TPMT_SIGNATURE");
            return new SignedAttestation(attest, parsed);
        } catch (TpmProtocolException e) {
            throw AttestationFormatException.of("the signature is no TPMT_SIGNATURE", e);
        }
    }

    /** TPMS_ATTEST.magic as sent (TPM_GENERATED_VALUE when the TPM made it). */
    int magic() throws AttestationFormatException {
        header();
        return BigEndian.u32(attest, 0);
    }

    /** TPMS_ATTEST.type as sent. */
    int type() throws AttestationFormatException {
        header();
        return BigEndian.u16(attest, TYPE_OFFSET);
    }

    /**
     * The TPMS_ATTEST read with its body as {@code expectedType}, whatever its magic and type say (the verifier
     * reports those, and reads on to report every other check too). The result keeps the bytes and type as sent.
     */
    Attest read(int expectedType) throws AttestationFormatException {
        bounded(attest.length, MAX_ATTEST_BYTES, "TPMS_ATTEST");
        int type = type();
        byte[] asExpected = attest.clone();
        BigEndian.putU32(asExpected, 0, Attest.TPM_GENERATED);
        asExpected[TYPE_OFFSET] = (byte) (expectedType >>> 8);
        asExpected[TYPE_OFFSET + 1] = (byte) expectedType;
        try {
            Attest read = Attest.parse(asExpected);
            return new Attest(attest, type, read.qualifiedSigner(), read.extraData(), read.clock(), read.resetCount(),
                    read.restartCount(), read.safe(), read.firmwareVersion(), read.attested());
        } catch (TpmProtocolException e) {
            throw AttestationFormatException.of(type == expectedType ? "the attestation is no TPMS_ATTEST"
                    : String.format("TPMS_ATTEST.type is 0x%04x, and its body is not the 0x%04x asked for", type,
                    expectedType), e);
        }
    }

    private void header() throws AttestationFormatException {
        if (attest.length < HEADER_BYTES) {
            throw new AttestationFormatException("TPMS_ATTEST has " + attest.length + " bytes, fewer than its "
                    + HEADER_BYTES + "-byte magic and type", 0);
        }
    }

    private static void bounded(int length, int max, String structure) throws AttestationFormatException {
        if (length > max) {
            throw new AttestationFormatException(structure + " has " + length + " bytes, more than the " + max
                    + " accepted", -1);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedAttestation s && Arrays.equals(attest, s.attest) && signature.equals(s.signature);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(attest) + signature.hashCode();
    }

    @Override
    public String toString() {
        return "SignedAttestation[" + attest.length + " bytes, " + signature.getClass().getSimpleName() + "]";
    }
}
